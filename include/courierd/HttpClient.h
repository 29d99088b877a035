#pragma once

#include "courierd/Duration.h"
#include "courierd/Export.h"

#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace courierd
{

/// How an HttpClient talks to one service.
struct HttpClientOptions
{
    std::string baseUrl;                                   ///< `http://host:port[/prefix]`
    Duration timeout = std::chrono::seconds(3);            ///< Per attempt: connect, send, read.
    int retryCount = 3;                                    ///< Retries after the first attempt.
    Duration backoffBase = std::chrono::milliseconds(100); ///< First retry's backoff ceiling.
    Duration backoffMax = std::chrono::seconds(5);         ///< Largest backoff ceiling.
    Duration retryAfterMax = std::chrono::seconds(30);     ///< Cap on a server's Retry-After.
    std::size_t maxResponseBytes = 64 * 1024 * 1024;       ///< Larger bodies fail the request.
    /// The whole request's budget, attempts and waits together (0: none). A retry is made only
    /// while its wait still fits, so a poll never runs into the next one; the last attempt may
    /// still take up to `timeout`.
    Duration budget = Duration(0);
    /// The longest one request may take to be answered in full, its body read included
    /// (0: none). A source that trickles bytes, each within `timeout`, is cut off here.
    Duration deadline = Duration(0);
    /// Sent with every request, after `Accept`: authentication (HttpClient::bearer(),
    /// HttpClient::basic()), an API key, a version. Their values appear in no message and no
    /// log; a name or value holding a line break or a NUL is a ConfigException of the
    /// constructor.
    std::vector<std::pair<std::string, std::string>> headers;
};

/// A response with a 2xx status.
struct COURIERD_SDK_API HttpResponse
{
    int status = 0;
    std::string contentType;
    std::string body;
    /// Every header of the answer, in its order, as the server sent it (POCO bounds their
    /// number and size).
    std::vector<std::pair<std::string, std::string>> headers;

    /// The value of the first header called `name` (case-insensitive), or empty.
    std::string header(std::string_view name) const;

    /// The target of the RFC 8288 `Link` header's `rel="next"` (`<…>; rel="next"`), or empty:
    /// the next page of a paged answer. The URL as the server wrote it (absolute, or a path).
    std::string nextLink() const;
};

/// A JSON-over-HTTP client with keep-alive and retries, for plugins. The retry policy:
/// idempotent requests (GET,
/// HEAD, PUT, DELETE, OPTIONS) are retried on connection errors, timeouts, a stale keep-alive
/// connection, and statuses 408, 429, 500, 502, 503 and 504, up to `retryCount` times, with
/// exponential backoff and full jitter (a random delay up to min(backoffMax,
/// backoffBase * 2^retry)); a Retry-After header (seconds or an HTTP date) replaces the backoff,
/// capped at retryAfterMax. Other statuses, and every failure of a non-idempotent request, fail
/// at once; so does a retry whose wait would not fit in the budget. Not thread-safe: one client per
/// source instance, used inside fetch(). Its state is private (a pointer to it): the SDK may
/// change it without a new ABI version.
class COURIERD_SDK_API HttpClient
{
public:
    /// Waits `delay` between attempts; tests replace it to record delays instead.
    using Sleeper = std::function<void(Duration delay)>;

    /// Takes a 2xx body as it arrives, one piece at a time (pieces of any size; `piece` is
    /// valid during the call only).
    using BodyReader = std::function<void(std::string_view piece)>;

    /// Throws ConfigException for a base URL that is not `http://host[:port][/path]`.
    /// `stopRequested`, when given, cuts backoff waits short and ends a body being read with
    /// StoppingException (the daemon is stopping).
    explicit HttpClient(HttpClientOptions options, std::function<bool()> stopRequested = {},
                        Sleeper sleeper = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// `Authorization: Bearer <token>`, for HttpClientOptions::headers. Throws ConfigException
    /// for an empty token. Pure; any thread.
    static std::pair<std::string, std::string> bearer(const std::string& token);

    /// `Authorization: Basic <base64 of user:password>`, for HttpClientOptions::headers
    /// (a base URL's `user:password@` does the same). Pure; any thread.
    static std::pair<std::string, std::string> basic(const std::string& user,
                                                     const std::string& password);

    /// GET `pathAndQuery` (appended to the base URL) with `Accept: application/json`.
    /// `pathAndQuery` may also be an absolute `http://` URL of the base URL's host and port (a
    /// next link, HttpResponse::nextLink()), sent as it is; one of any other host or port is
    /// refused with SourceException, so that the headers never reach another server.
    /// Throws SourceException naming the method, the URL and what failed (the status and the
    /// start of the body, or the network error), after the retries the policy allows;
    /// HttpStatusException, with the status, for a status the policy does not retry.
    HttpResponse get(const std::string& pathAndQuery);

    /// GET, streamed: hands a 2xx body to `reader` as it arrives instead of holding it, and
    /// returns the response with an empty body. Retried as get() is until the first piece
    /// reached `reader`; a failure after that throws SourceException at once (the caller has
    /// seen part of the answer). The timeout applies to each read, not to the whole body, so a
    /// long answer may take as long as it keeps coming, up to `deadline`; maxResponseBytes
    /// still applies. Throws StoppingException once `stopRequested` says so, between two reads
    /// of the socket. Whatever `reader` throws propagates unchanged.
    HttpResponse get(const std::string& pathAndQuery, const BodyReader& reader);

    /// Any method, with an optional body; retried only when the method is idempotent.
    HttpResponse request(const std::string& method, const std::string& pathAndQuery,
                         const std::string& body = {},
                         const std::string& contentType = "application/json");

    /// The delays waited before each retry of the last request (empty when it needed none).
    const std::vector<Duration>& lastDelays() const;

    /// How many attempts the last request made.
    int lastAttempts() const;

    /// Percent-encodes a query value (`:` → `%3A`, `+` → `%2B`, …).
    static std::string encode(const std::string& value);

    /// `text` with the user and password of every URL in it replaced by `***`
    /// (`http://***@host/`), for messages and logs. A base URL's credentials are sent as HTTP
    /// basic authentication and appear in no message. Pure; any thread.
    static std::string redacted(const std::string& text);

private:
    struct State;
    std::unique_ptr<State> _state;
};

} // namespace courierd
