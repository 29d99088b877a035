#pragma once

#include "courierd/Exceptions.h"

#include <Poco/Exception.h>

namespace courierd
{

/// The database cannot be reached or used. Messages never contain a password.
POCO_DECLARE_EXCEPTION(, StoreException, Poco::IOException)

/// A migration could not be applied; the message names the file and the database's error.
POCO_DECLARE_EXCEPTION(, MigrationException, StoreException)

/// A plugin cannot be loaded; the message names the file, what was expected and what was found.
POCO_DECLARE_EXCEPTION(, PluginException, Poco::RuntimeException)

/// This instance's lease on a source has been taken over; it must stop polling that source.
POCO_DECLARE_EXCEPTION(, LeaseLostException, Poco::RuntimeException)

/// The stored cursor of a source is no longer the one a tick started from (a database failover
/// rolled it back, or it was set): the tick stores nothing and the next one reads it again.
POCO_DECLARE_EXCEPTION(, CursorMovedException, Poco::RuntimeException)

/// A replay's step found the replay no longer running (canceled): nothing of it was stored.
POCO_DECLARE_EXCEPTION(, ReplayStoppedException, Poco::RuntimeException)

/// Input from outside (an API call, a record) is invalid; the message says which field and why.
POCO_DECLARE_EXCEPTION(, ValidationException, Poco::InvalidArgumentException)

/// The request is valid but conflicts with the current state (e.g. pausing a busy courier).
POCO_DECLARE_EXCEPTION(, ConflictException, Poco::IllegalStateException)

} // namespace courierd
