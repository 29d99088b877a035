#pragma once

#include <Poco/Exception.h>

namespace courierd
{

/// A configuration value is missing, unknown or malformed. The message names the file (or
/// environment variable), the key and the value.
POCO_DECLARE_EXCEPTION(, ConfigException, Poco::InvalidArgumentException)

/// The database cannot be reached or used. Messages never contain a password.
POCO_DECLARE_EXCEPTION(, StoreException, Poco::IOException)

/// A migration could not be applied; the message names the file and the database's error.
POCO_DECLARE_EXCEPTION(, MigrationException, StoreException)

/// Input from outside (an API call, a record) is invalid; the message says which field and why.
POCO_DECLARE_EXCEPTION(, ValidationException, Poco::InvalidArgumentException)

/// The request is valid but conflicts with the current state (e.g. pausing a busy courier).
POCO_DECLARE_EXCEPTION(, ConflictException, Poco::IllegalStateException)

} // namespace courierd
