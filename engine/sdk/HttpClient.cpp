#include "courierd/HttpClient.h"

#include "courierd/Exceptions.h"
#include "sdk/HttpObserver.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/NumberParser.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

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

} // namespace

HttpClient::HttpClient(HttpClientOptions options, std::function<bool()> stopRequested,
                       Sleeper sleeper)
    : _options(std::move(options))
    , _stopRequested(std::move(stopRequested))
    , _sleeper(std::move(sleeper))
    , _seed(std::random_device{}())
{
    try
    {
        _base = Poco::URI(_options.baseUrl);
    }
    catch (const Poco::Exception& e)
    {
        throw ConfigException("base URL '" + redacted(_options.baseUrl) +
                              "': " + redacted(e.message()));
    }
    if (_base.getScheme() != "http" || _base.getHost().empty())
        throw ConfigException("base URL '" + redacted(_options.baseUrl) +
                              "': expected http://host[:port][/path]");
    // Credentials in the URL are sent as HTTP basic authentication, and never shown.
    if (const std::string userInfo = _base.getUserInfo(); !userInfo.empty())
    {
        const auto colon = userInfo.find(':');
        std::string user, password;
        Poco::URI::decode(userInfo.substr(0, colon), user);
        if (colon != std::string::npos)
            Poco::URI::decode(userInfo.substr(colon + 1), password);
        _credentials = std::make_unique<Poco::Net::HTTPBasicCredentials>(user, password);
    }
    if (!_sleeper)
        _sleeper = [this](Duration delay)
        {
            // Sleep in slices so that a stopping daemon is not held up by a long backoff.
            const Poco::Timestamp started;
            while (started.elapsed() < delay.count() * 1000 &&
                   !(_stopRequested && _stopRequested()))
                Poco::Thread::sleep(static_cast<long>(std::min<Poco::Timestamp::TimeDiff>(
                    50, delay.count() - started.elapsed() / 1000 + 1)));
        };
}

HttpClient::~HttpClient() = default;

std::string HttpClient::encode(const std::string& value)
{
    std::string out;
    Poco::URI::encode(value, ":/?#[]@!$&'()*+,;=% ", out);
    return out;
}

Duration HttpClient::backoff(int retry)
{
    const auto ceiling = std::min<std::int64_t>(
        _options.backoffMax.count(), _options.backoffBase.count() << std::min(retry, 20));
    std::mt19937 random(_seed++);
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
    return send("GET", pathAndQuery, {}, {}, nullptr);
}

HttpResponse HttpClient::get(const std::string& pathAndQuery, const BodyReader& reader)
{
    return send("GET", pathAndQuery, {}, {}, &reader);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& pathAndQuery,
                                 const std::string& body, const std::string& contentType)
{
    return send(method, pathAndQuery, body, contentType, nullptr);
}

void HttpClient::readBody(std::istream& in, Poco::Timestamp started, Duration limit,
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
        if (_stopRequested && _stopRequested())
            throw StoppingException(what + ": the daemon is stopping; the rest of the answer is "
                                           "left for the next poll");
        if (limit.count() > 0 && started.elapsed() > limit.count() * 1000)
            throw Poco::TimeoutException(what + ": the answer was not complete within " +
                                         formatDuration(limit));
    }
}

HttpResponse HttpClient::send(const std::string& method, const std::string& pathAndQuery,
                              const std::string& body, const std::string& contentType,
                              const BodyReader* reader)
{
    const std::string path =
        _base.getPathEtc() == "/" ? pathAndQuery : _base.getPathEtc() + pathAndQuery;
    const std::string url = redacted(_base.getScheme() + "://" + _base.getAuthority() + path);
    const int attemptsAllowed = idempotent(method) ? _options.retryCount + 1 : 1;
    _delays.clear();
    _attempts = 0;
    // Time spent so far: attempts as measured, waits as planned (the sleeper may be a fake).
    Duration spent(0);
    Poco::Timestamp requestStarted;

    for (;;)
    {
        ++_attempts;
        const Poco::Timestamp attemptStarted;
        if (_attempts == 1)
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
            if (!_session)
            {
                _session = std::make_unique<Poco::Net::HTTPClientSession>(_base.getHost(),
                                                                          _base.getPort());
                _session->setKeepAlive(true);
            }
            const auto timeout = Poco::Timespan(_options.timeout.count() * 1000);
            _session->setTimeout(timeout, timeout, timeout);

            Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.set("Accept", "application/json");
            request.setKeepAlive(true);
            if (_credentials)
                _credentials->authenticate(request);
            if (!body.empty())
            {
                request.setContentType(contentType);
                request.setContentLength(static_cast<std::streamsize>(body.size()));
            }
            // Flushed now: Poco sends a request's last bytes in receiveResponse() otherwise.
            (_session->sendRequest(request) << body).flush();
            awaitAnswer(*_session, _options.timeout, _stopRequested, method + " " + url);

            Poco::Net::HTTPResponse response;
            std::istream& in = _session->receiveResponse(response);
            const int status = response.getStatus();
            report.code = std::to_string(status);
            const bool success = status >= 200 && status < 300;
            std::size_t total = 0;
            const auto tooLarge = [&]
            {
                _session.reset();
                throw SourceException(method + " " + url + ": response body larger than " +
                                      std::to_string(_options.maxResponseBytes) + " bytes");
            };
            if (success && reader)
            {
                // Streamed: each piece goes to the reader; a stalled read times out, and so
                // does the whole answer past the deadline (not retried once the reader has
                // seen part of it).
                try
                {
                    readBody(in, requestStarted, _options.deadline, method + " " + url,
                             [&](std::string_view piece)
                             {
                                 total += piece.size();
                                 if (total > _options.maxResponseBytes)
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
                    _session.reset();
                    throw SourceException(e.message());
                }
                if (in.bad())
                {
                    _session.reset();
                    const std::string what = method + " " + url + ": the answer broke off";
                    if (total > 0)
                        throw SourceException(what + " after " + std::to_string(total) + " bytes");
                    throw Poco::IOException(what);
                }
                return {status, response.getContentType(), {}};
            }
            // Read the whole body (keep-alive needs it), within the size limit and the timeout.
            std::string received;
            readBody(in, Poco::Timestamp(), _options.timeout, method + " " + url,
                     [&](std::string_view piece)
                     {
                         received.append(piece);
                         if (received.size() > _options.maxResponseBytes)
                             tooLarge();
                     });
            if (in.bad())
                throw Poco::IOException(method + " " + url + ": the answer broke off");

            if (success)
                return {status, response.getContentType(), std::move(received)};
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
                _session.reset(); // the rest of the body is left unread
            throw;
        }
        catch (const StoppingException&)
        {
            _session.reset(); // the rest of the body is left unread
            throw;
        }
        catch (const Poco::Exception& e)
        {
            // A network failure leaves the connection unusable: start a fresh one.
            _session.reset();
            if (readerFailed)
                throw;
            failure = {method + " " + url + ": " + e.displayText(), std::nullopt};
            retryReason = dynamic_cast<const Poco::TimeoutException*>(&e) ? "timeout" : "network";
        }
        catch (...)
        {
            if (readerFailed)
                _session.reset();
            throw;
        }

        const std::string attempts =
            " (after " + std::to_string(_attempts) + (_attempts == 1 ? " attempt" : " attempts");
        if (_attempts >= attemptsAllowed || (_stopRequested && _stopRequested()))
            throw SourceException(failure.what + attempts + ")");
        const Duration delay =
            failure.wait ? std::min(*failure.wait, _options.retryAfterMax) : backoff(_attempts - 1);
        spent += Duration(attemptStarted.elapsed() / 1000);
        if (_options.budget.count() > 0 && spent + delay > _options.budget)
            throw SourceException(failure.what + attempts + "; waiting " + formatDuration(delay) +
                                  " more would overrun this poll's " +
                                  formatDuration(_options.budget) + ")");
        spent += delay;
        _delays.push_back(delay);
        http_observer::report(http_observer::Event::Retry, retryReason);
        _sleeper(delay);
    }
}

} // namespace courierd
