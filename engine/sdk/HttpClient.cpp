#include "courierd/HttpClient.h"

#include "courierd/Exceptions.h"
#include "sdk/HttpObserver.h"
#include "sdk/Internal.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <algorithm>
#include <istream>
#include <random>

namespace courierd
{

namespace
{

constexpr std::size_t BODY_EXCERPT = 200;

bool idempotent(const std::string& method)
{
    for (const char* m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
        if (method == m)
            return true;
    return false;
}

bool retryableStatus(int status)
{
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

// Retry-After as seconds or an HTTP date; nothing when absent or unreadable.
std::optional<Duration> retryAfter(const Poco::Net::HTTPResponse& response)
{
    if (!response.has("Retry-After"))
        return std::nullopt;
    const std::string value = response.get("Retry-After");
    unsigned seconds = 0;
    if (Poco::NumberParser::tryParseUnsigned(value, seconds))
        return std::chrono::seconds(seconds);
    Poco::DateTime when;
    int tzd = 0;
    if (Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, value, when, tzd))
    {
        const auto delta = (when.timestamp() - Poco::Timestamp()) / 1000;
        return Duration(std::max<Poco::Timestamp::TimeDiff>(delta, 0));
    }
    return std::nullopt;
}

std::string excerpt(const std::string& body)
{
    std::string text = body.substr(0, BODY_EXCERPT);
    std::replace(text.begin(), text.end(), '\n', ' ');
    return body.size() > BODY_EXCERPT ? text + "…" : text;
}

// A failure worth another attempt, and how long the server asked us to wait.
struct Retryable
{
    std::string what;
    std::optional<Duration> wait;
};

// Waits for the answer to start, a slice at a time, so that a stop is heard while the source
// thinks (a recheck's listing of 100,000 orders took the fake service-order seconds to start,
// on a loaded machine more than the shutdown's 30 s): at most `timeout` in all, as the
// socket's own timeout would.
void awaitAnswer(Poco::Net::HTTPClientSession& session, Duration timeout,
                 const std::function<bool()>& stopRequested, const std::string& what)
{
    if (!stopRequested)
        return; // the socket's timeout alone
    const Poco::Timestamp started;
    const Poco::Timespan slice(0, 200000);
    while (!session.socket().poll(slice,
                                  Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR))
    {
        if (stopRequested())
            throw StoppingException(what + ": the daemon is stopping; the answer is left for "
                                           "the next poll");
        if (started.elapsed() >= timeout.count() * 1000)
            throw Poco::TimeoutException(what + ": no answer within " + formatDuration(timeout));
    }
}

std::vector<std::pair<std::string, std::string>> headersOf(const Poco::Net::HTTPResponse& response)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, value] : response)
        out.emplace_back(name, value);
    return out;
}

bool clean(const std::string& text)
{
    return text.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}

} // namespace

struct COURIERD_SDK_PRIVATE HttpClient::State
{
    COURIERD_LAYOUT_PROBE
    Duration backoff(int retry);
    void readBody(std::istream& in, Poco::Timestamp started, Duration limit,
                  const std::string& what, const std::function<void(std::string_view)>& take);
    HttpResponse send(const std::string& method, const std::string& pathAndQuery,
                      const std::string& body, const std::string& contentType,
                      const BodyReader* reader);
    std::string pathOf(const std::string& pathAndQuery) const;

    HttpClientOptions options;
    Poco::URI base;
    std::function<bool()> stopRequested;
    Sleeper sleeper;
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::unique_ptr<Poco::Net::HTTPBasicCredentials> credentials;
    std::vector<Duration> delays;
    int attempts = 0;
    unsigned seed = 0;
};

HttpClient::HttpClient(HttpClientOptions options, std::function<bool()> stopRequested,
                       Sleeper sleeper)
    : _state(std::make_unique<State>())
{
    State& s = *_state;
    s.options = std::move(options);
    s.stopRequested = std::move(stopRequested);
    s.sleeper = std::move(sleeper);
    s.seed = std::random_device{}();
    try
    {
        s.base = Poco::URI(s.options.baseUrl);
    }
    catch (const Poco::Exception& e)
    {
        throw ConfigException("base URL '" + redacted(s.options.baseUrl) +
                              "': " + redacted(e.message()));
    }
    if (s.base.getScheme() != "http" || s.base.getHost().empty())
        throw ConfigException("base URL '" + redacted(s.options.baseUrl) +
                              "': expected http://host[:port][/path]");
    // Credentials in the URL are sent as HTTP basic authentication, and never shown.
    if (const std::string userInfo = s.base.getUserInfo(); !userInfo.empty())
    {
        const auto colon = userInfo.find(':');
        std::string user, password;
        Poco::URI::decode(userInfo.substr(0, colon), user);
        if (colon != std::string::npos)
            Poco::URI::decode(userInfo.substr(colon + 1), password);
        s.credentials = std::make_unique<Poco::Net::HTTPBasicCredentials>(user, password);
    }
    for (const auto& [name, value] : s.options.headers)
        if (name.empty() || !clean(name) || name.find(':') != std::string::npos || !clean(value))
            throw ConfigException("header '" + name.substr(0, 80) +
                                  "': a name (no colon) and a value without line breaks or NUL");
    if (!s.sleeper)
        s.sleeper = [&s](Duration delay)
        {
            // Sleep in slices so that a stopping daemon is not held up by a long backoff.
            const Poco::Timestamp started;
            while (started.elapsed() < delay.count() * 1000 &&
                   !(s.stopRequested && s.stopRequested()))
                Poco::Thread::sleep(static_cast<long>(std::min<Poco::Timestamp::TimeDiff>(
                    50, delay.count() - started.elapsed() / 1000 + 1)));
        };
}

HttpClient::~HttpClient() = default;

const std::vector<Duration>& HttpClient::lastDelays() const
{
    return _state->delays;
}

int HttpClient::lastAttempts() const
{
    return _state->attempts;
}

std::pair<std::string, std::string> HttpClient::bearer(const std::string& token)
{
    if (token.empty())
        throw ConfigException("an empty bearer token");
    return {"Authorization", "Bearer " + token};
}

std::pair<std::string, std::string> HttpClient::basic(const std::string& user,
                                                      const std::string& password)
{
    Poco::Net::HTTPRequest request;
    Poco::Net::HTTPBasicCredentials(user, password).authenticate(request);
    return {"Authorization", request.get("Authorization")};
}

std::string HttpResponse::header(std::string_view name) const
{
    for (const auto& [key, value] : headers)
        if (Poco::icompare(key, std::string(name)) == 0)
            return value;
    return {};
}

std::string HttpResponse::nextLink() const
{
    // RFC 8288: `<url>; rel="next", <url2>; rel="prev"`, in one header or several; a rel may
    // list several relation types (`rel="next last"`), and be unquoted.
    for (const auto& [key, value] : headers)
    {
        if (Poco::icompare(key, std::string("Link")) != 0)
            continue;
        std::size_t at = 0;
        while ((at = value.find('<', at)) != std::string::npos)
        {
            const auto close = value.find('>', at);
            if (close == std::string::npos)
                break;
            const std::string target = value.substr(at + 1, close - at - 1);
            auto end = close + 1;
            bool inQuote = false;
            while (end < value.size() && (inQuote || value[end] != ','))
                inQuote ^= value[end++] == '"';
            Poco::StringTokenizer params(value.substr(close + 1, end - close - 1), ";",
                                         Poco::StringTokenizer::TOK_TRIM |
                                             Poco::StringTokenizer::TOK_IGNORE_EMPTY);
            for (const auto& param : params)
            {
                const auto eq = param.find('=');
                if (eq == std::string::npos ||
                    Poco::icompare(Poco::trim(param.substr(0, eq)), std::string("rel")) != 0)
                    continue;
                std::string rel = Poco::trim(param.substr(eq + 1));
                if (rel.size() >= 2 && rel.front() == '"' && rel.back() == '"')
                    rel = rel.substr(1, rel.size() - 2);
                Poco::StringTokenizer types(rel, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
                for (const auto& type : types)
                    if (Poco::icompare(type, std::string("next")) == 0)
                        return target;
            }
            at = end;
        }
    }
    return {};
}

std::string HttpClient::encode(const std::string& value)
{
    std::string out;
    Poco::URI::encode(value, ":/?#[]@!$&'()*+,;=% ", out);
    return out;
}

Duration HttpClient::State::backoff(int retry)
{
    const auto ceiling = std::min<std::int64_t>(options.backoffMax.count(),
                                                options.backoffBase.count() << std::min(retry, 20));
    std::mt19937 random(seed++);
    return Duration(std::uniform_int_distribution<std::int64_t>(0, ceiling)(random));
}

std::string HttpClient::redacted(const std::string& text)
{
    // Every `scheme://user:password@` in the text, wherever it is quoted.
    std::string out = text;
    for (auto scheme = out.find("://"); scheme != std::string::npos;
         scheme = out.find("://", scheme + 3))
    {
        const auto start = scheme + 3;
        const auto end = out.find_first_of("/?# '\"", start);
        const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
        if (at != std::string::npos && at >= start)
            out.replace(start, at - start, "***");
    }
    return out;
}

HttpResponse HttpClient::get(const std::string& pathAndQuery)
{
    return _state->send("GET", pathAndQuery, {}, {}, nullptr);
}

HttpResponse HttpClient::get(const std::string& pathAndQuery, const BodyReader& reader)
{
    return _state->send("GET", pathAndQuery, {}, {}, &reader);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& pathAndQuery,
                                 const std::string& body, const std::string& contentType)
{
    return _state->send(method, pathAndQuery, body, contentType, nullptr);
}

std::string HttpClient::State::pathOf(const std::string& pathAndQuery) const
{
    if (pathAndQuery.compare(0, 7, "http://") != 0 && pathAndQuery.compare(0, 8, "https://") != 0)
        return base.getPathEtc() == "/" ? pathAndQuery : base.getPathEtc() + pathAndQuery;
    // A next link: on the base URL's own host and port only.
    Poco::URI uri;
    try
    {
        uri = Poco::URI(pathAndQuery);
    }
    catch (const Poco::Exception& e)
    {
        throw SourceException("the URL '" + redacted(pathAndQuery.substr(0, 200)) +
                              "': " + e.message());
    }
    if (uri.getScheme() != base.getScheme() || Poco::icompare(uri.getHost(), base.getHost()) != 0 ||
        uri.getPort() != base.getPort() || !uri.getUserInfo().empty())
        throw SourceException("the URL '" + redacted(pathAndQuery.substr(0, 200)) + "' is not on " +
                              redacted(base.getScheme() + "://" + base.getAuthority()) +
                              ": not followed (the request's headers are for that server only)");
    return uri.getPathEtc();
}

void HttpClient::State::readBody(std::istream& in, Poco::Timestamp started, Duration limit,
                                 const std::string& what,
                                 const std::function<void(std::string_view)>& take)
{
    // One receive at a time: peek() waits for the next bytes (at most `timeout`), readsome()
    // takes what arrived. Reading whole chunks would wait for a chunk to fill, and a source
    // that trickles a byte a second would hold the read, the stop flag and the limit unheard.
    char chunk[65536];
    while (in.peek() != std::char_traits<char>::eof())
    {
        const std::streamsize got = in.readsome(chunk, sizeof chunk);
        if (got > 0)
            take(std::string_view(chunk, static_cast<std::size_t>(got)));
        if (stopRequested && stopRequested())
            throw StoppingException(what + ": the daemon is stopping; the rest of the answer is "
                                           "left for the next poll");
        if (limit.count() > 0 && started.elapsed() > limit.count() * 1000)
            throw Poco::TimeoutException(what + ": the answer was not complete within " +
                                         formatDuration(limit));
    }
}

HttpResponse HttpClient::State::send(const std::string& method, const std::string& pathAndQuery,
                                     const std::string& body, const std::string& contentType,
                                     const BodyReader* reader)
{
    const std::string path = pathOf(pathAndQuery);
    const std::string url = redacted(base.getScheme() + "://" + base.getAuthority() + path);
    const int attemptsAllowed = idempotent(method) ? options.retryCount + 1 : 1;
    delays.clear();
    attempts = 0;
    // Time spent so far: attempts as measured, waits as planned (the sleeper may be a fake).
    Duration spent(0);
    Poco::Timestamp requestStarted;

    for (;;)
    {
        ++attempts;
        const Poco::Timestamp attemptStarted;
        if (attempts == 1)
            requestStarted = attemptStarted;
        Retryable failure;
        bool readerFailed = false;
        // Reported however the attempt ends: its status, or "error" without one.
        struct AttemptReport
        {
            std::string code = "error";
            ~AttemptReport() { http_observer::report(http_observer::Event::Attempt, code); }
        } report;
        std::string retryReason;
        try
        {
            if (!session)
            {
                session =
                    std::make_unique<Poco::Net::HTTPClientSession>(base.getHost(), base.getPort());
                session->setKeepAlive(true);
            }
            const auto timeout = Poco::Timespan(options.timeout.count() * 1000);
            session->setTimeout(timeout, timeout, timeout);

            Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.set("Accept", "application/json");
            request.setKeepAlive(true);
            if (credentials)
                credentials->authenticate(request);
            for (const auto& [name, value] : options.headers)
                request.set(name, value);
            if (!body.empty())
            {
                request.setContentType(contentType);
                request.setContentLength(static_cast<std::streamsize>(body.size()));
            }
            // Flushed now: Poco sends a request's last bytes in receiveResponse() otherwise.
            (session->sendRequest(request) << body).flush();
            awaitAnswer(*session, options.timeout, stopRequested, method + " " + url);

            Poco::Net::HTTPResponse response;
            std::istream& in = session->receiveResponse(response);
            const int status = response.getStatus();
            report.code = std::to_string(status);
            const bool success = status >= 200 && status < 300;
            std::size_t total = 0;
            const auto tooLarge = [&]
            {
                session.reset();
                throw SourceException(method + " " + url + ": response body larger than " +
                                      std::to_string(options.maxResponseBytes) + " bytes");
            };
            if (success && reader)
            {
                // Streamed: each piece goes to the reader; a stalled read times out, and so
                // does the whole answer past the deadline (not retried once the reader has
                // seen part of it).
                try
                {
                    readBody(in, requestStarted, options.deadline, method + " " + url,
                             [&](std::string_view piece)
                             {
                                 total += piece.size();
                                 if (total > options.maxResponseBytes)
                                     tooLarge();
                                 readerFailed = true; // until it returns: its exceptions pass on
                                 (*reader)(piece);
                                 readerFailed = false;
                             });
                }
                catch (const Poco::TimeoutException& e)
                {
                    if (total == 0)
                        throw;
                    session.reset();
                    throw SourceException(e.message());
                }
                if (in.bad())
                {
                    session.reset();
                    const std::string what = method + " " + url + ": the answer broke off";
                    if (total > 0)
                        throw SourceException(what + " after " + std::to_string(total) + " bytes");
                    throw Poco::IOException(what);
                }
                return {status, response.getContentType(), {}, headersOf(response)};
            }
            // Read the whole body (keep-alive needs it), within the size limit and the timeout.
            std::string received;
            readBody(in, Poco::Timestamp(), options.timeout, method + " " + url,
                     [&](std::string_view piece)
                     {
                         received.append(piece);
                         if (received.size() > options.maxResponseBytes)
                             tooLarge();
                     });
            if (in.bad())
                throw Poco::IOException(method + " " + url + ": the answer broke off");

            if (success)
                return {status, response.getContentType(), std::move(received),
                        headersOf(response)};
            const std::string what = method + " " + url + ": " + std::to_string(status) + " " +
                                     response.getReason() + ": " + excerpt(received);
            if (!retryableStatus(status))
                throw HttpStatusException(what, status);
            failure = {what, retryAfter(response)};
            retryReason = "status_" + std::to_string(status);
        }
        catch (const SourceException&)
        {
            if (readerFailed)
                session.reset(); // the rest of the body is left unread
            throw;
        }
        catch (const StoppingException&)
        {
            session.reset(); // the rest of the body is left unread
            throw;
        }
        catch (const Poco::Exception& e)
        {
            // A network failure leaves the connection unusable: start a fresh one.
            session.reset();
            if (readerFailed)
                throw;
            failure = {method + " " + url + ": " + e.displayText(), std::nullopt};
            retryReason = dynamic_cast<const Poco::TimeoutException*>(&e) ? "timeout" : "network";
        }
        catch (...)
        {
            if (readerFailed)
                session.reset();
            throw;
        }

        const std::string tried =
            " (after " + std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
        if (attempts >= attemptsAllowed || (stopRequested && stopRequested()))
            throw SourceException(failure.what + tried + ")");
        const Duration delay =
            failure.wait ? std::min(*failure.wait, options.retryAfterMax) : backoff(attempts - 1);
        spent += Duration(attemptStarted.elapsed() / 1000);
        if (options.budget.count() > 0 && spent + delay > options.budget)
            throw SourceException(failure.what + tried + "; waiting " + formatDuration(delay) +
                                  " more would overrun this poll's " +
                                  formatDuration(options.budget) + ")");
        spent += delay;
        delays.push_back(delay);
        http_observer::report(http_observer::Event::Retry, retryReason);
        sleeper(delay);
    }
}

} // namespace courierd
