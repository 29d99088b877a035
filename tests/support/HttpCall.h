#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace courierd::test
{

/// One HTTP exchange with a server on 127.0.0.1, for tests of courierd's own endpoints.
struct HttpCall
{
    int status = 0;
    std::string reason; ///< The status line's reason phrase.
    std::string body;
    std::map<std::string, std::string> headers;

    /// `body` parsed as JSON (an object or an array, as a Poco::Dynamic::Var).
    Poco::Dynamic::Var json() const;
    /// `body` as a JSON object; fails the test's expectations by throwing if it is not one.
    Poco::JSON::Object::Ptr object() const;

    static HttpCall send(unsigned short port, const std::string& method, const std::string& path,
                         const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {});

    /// The status of GET /ready on `port`.
    static int readyStatus(unsigned short port) { return send(port, "GET", "/ready").status; }
};

/// Fails the test unless `call` is the design's JSON error: `status`, `code`, a message.
void assertApiError(const HttpCall& call, int status, const std::string& code);

/// The value of the sample `series` (a metric's name and labels, as written) in a Prometheus
/// text exposition, or NaN when it has none.
double sampleOf(const std::string& text, const std::string& series);

} // namespace courierd::test
