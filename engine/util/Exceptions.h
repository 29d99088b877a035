#pragma once

#include "courierd/Exceptions.h"

#include <Poco/Exception.h>

#include <string>
#include <utility>

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

/// The admin API's code for a refusal (`source_not_paused`), beside its message. Components
/// throw the two exceptions below; JsonHandler alone turns them into HTTP: a
/// ValidationException is a 400 and a ConflictException a 409, answered with this code instead
/// of the handler's default one.
class ApiCode
{
public:
    explicit ApiCode(std::string code)
        : _code(std::move(code))
    {
    }
    virtual ~ApiCode() = default;
    const std::string& apiCode() const { return _code; }

private:
    std::string _code;
};

/// A ValidationException with the admin API's code for it.
class CodedValidationException : public ValidationException, public ApiCode
{
public:
    CodedValidationException(std::string code, const std::string& message)
        : ValidationException(message)
        , ApiCode(std::move(code))
    {
    }
    Poco::Exception* clone() const override { return new CodedValidationException(*this); }
    void rethrow() const override { throw *this; }
};

/// A ConflictException with the admin API's code for it.
class CodedConflictException : public ConflictException, public ApiCode
{
public:
    CodedConflictException(std::string code, const std::string& message)
        : ConflictException(message)
        , ApiCode(std::move(code))
    {
    }
    Poco::Exception* clone() const override { return new CodedConflictException(*this); }
    void rethrow() const override { throw *this; }
};

} // namespace courierd
