#pragma once

#include "courierd/Export.h"

#include <Poco/Exception.h>

#include <string>
#include <typeinfo>

namespace courierd
{

/// A configuration value is missing, unknown or malformed. The message names the file (or
/// environment variable), the key and the value. Plugins throw it from Source::initialize()
/// for a value that is well-formed but unusable (a base_url that is not a URL).
POCO_DECLARE_EXCEPTION(COURIERD_SDK_API, ConfigException, Poco::InvalidArgumentException)

/// A fetch failed as a whole (the source was unreachable, its answer unusable). The engine
/// keeps the cursor where it was, records the message as the tick's error, and tries again
/// on the next tick. Malformed single elements are not exceptions: they are Batch::rejects.
POCO_DECLARE_EXCEPTION(COURIERD_SDK_API, SourceException, Poco::RuntimeException)

/// A request was answered with a status the retry policy does not retry (404, 400, 401, …):
/// HttpClient throws it, with the status, so that a plugin can tell "not there" from a failure.
class COURIERD_SDK_API HttpStatusException : public SourceException
{
public:
    HttpStatusException(const std::string& message, int status)
        : SourceException(message)
        , _status(status)
    {
    }

    /// The HTTP status of the answer.
    int status() const { return _status; }

    const char* name() const noexcept override { return "HTTP status"; }
    const char* className() const noexcept override { return typeid(*this).name(); }
    Poco::Exception* clone() const override { return new HttpStatusException(*this); }
    void rethrow() const override { throw *this; }

private:
    int _status;
};

/// The daemon is stopping: a fetch gives up the rest of an answer (the parts it handed over
/// stay stored; the cursor does not move). Thrown by RecordSink::write() and by HttpClient
/// while it reads; a plugin lets it propagate.
POCO_DECLARE_EXCEPTION(COURIERD_SDK_API, StoppingException, Poco::RuntimeException)

/// The plugin cannot do what was asked (Source::cursorAt() of a source that has no time to
/// start from); the message says why, for the operator who asked.
POCO_DECLARE_EXCEPTION(COURIERD_SDK_API, UnsupportedException, Poco::RuntimeException)

} // namespace courierd
