#include "admin/Router.h"

#include "courierd/Utf8.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>

#include <algorithm>
#include <array>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <set>

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

std::vector<std::string> segments(const std::string& path)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size())
    {
        const std::size_t end = std::min(path.find('/', start), path.size());
        if (end > start)
            out.push_back(path.substr(start, end - start));
        else if (start != 0)
            out.emplace_back(); // an empty segment ("//", a trailing "/") matches no parameter
        start = end + 1;
    }
    return out;
}

// The segments of the request target's path, each decoded on its own, so that a parameter may
// hold an encoded "/" (an order id "a/b" is /api/v1/orders/src/a%2Fb). `decoded` is the whole
// path decoded, for a target that is not origin-form.
std::vector<std::string> decodedSegments(const std::string& target, const std::string& decoded)
{
    if (target.empty() || target.front() != '/')
        return segments(decoded);
    auto parts = segments(target.substr(0, target.find_first_of("?#")));
    for (auto& part : parts)
    {
        std::string plain;
        Poco::URI::decode(part, plain);
        part = std::move(plain);
    }
    return parts;
}

bool isParam(const std::string& segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `path` fits `pattern`; fills `params` if so.
bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             PathParams& params)
{
    if (pattern.size() != path.size())
        return false;
    PathParams found;
    for (std::size_t i = 0; i < pattern.size(); ++i)
    {
        if (isParam(pattern[i]))
        {
            if (path[i].empty())
                return false;
            found[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
        }
        else if (pattern[i] != path[i])
            return false;
    }
    params = std::move(found);
    return true;
}

JsonHandler* refuse(ApiError error, const Explain& explain,
                    std::map<std::string, std::string> headers = {})
{
    auto* handler = new ErrorHandler(std::move(error), std::move(headers));
    handler->bind({}, {}, explain);
    return handler;
}

std::array<unsigned char, EVP_MAX_MD_SIZE> digest(const std::string& text, unsigned& size)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    if (EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr) != 1)
        size = 0;
    return out;
}

} // namespace

Router::Router(AdminAccess access, std::string listenHost, Explain explain,
               OnRequestThread onRequestThread)
    : _explain(std::move(explain))
    , _onRequestThread(std::move(onRequestThread))
    , _listenHost(hostOf(listenHost))
{
    setAccess(std::move(access));
}

void Router::add(Route route)
{
    _patterns.push_back(segments(route.pattern));
    _routes.push_back(std::move(route));
}

void Router::setAccess(AdminAccess access)
{
    for (auto& host : access.hosts)
        host = hostOf(host); // as a Host header is read: lower case, no port
    std::lock_guard lock(_accessMutex);
    _access = std::move(access);
}

AdminAccess Router::access() const
{
    std::lock_guard lock(_accessMutex);
    return _access;
}

std::string Router::hostOf(const std::string& header)
{
    std::string host = Poco::toLower(Poco::trim(header));
    if (!host.empty() && host.front() == '[')
        return host.substr(0, host.find(']') + 1);
    if (const auto colon = host.find(':');
        colon != std::string::npos && host.find(':', colon + 1) == std::string::npos)
        host.erase(colon);
    if (!host.empty() && host.back() == '.')
        host.pop_back(); // "localhost." is localhost
    return host;
}

JsonHandler* Router::crossSiteRefusal(const Poco::Net::HTTPServerRequest& request) const
{
    const std::string& method = request.getMethod();
    if (request.has("Origin") && method != "GET" && method != "HEAD" && method != "OPTIONS")
    {
        const std::string origin = Poco::toLower(Poco::trim(request.get("Origin")));
        if (origin != "http://" + Poco::toLower(Poco::trim(request.getHost())))
            return refuse({HTTPResponse::HTTP_FORBIDDEN, "origin_not_allowed",
                           "a request from the web page " + clipped(origin, 100) +
                               " may not change anything here; call the API from a client "
                               "of your own, without an Origin header"},
                          _explain);
    }
    const bool body = request.getChunkedTransferEncoding() ||
                      (request.hasContentLength() && request.getContentLength64() > 0);
    if (body)
    {
        std::string type = request.getContentType();
        type = Poco::toLower(Poco::trim(type.substr(0, type.find(';'))));
        if (type != "application/json")
            return refuse(
                {HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                 "a request body must be JSON with Content-Type: application/json, got " +
                     (type.empty() ? std::string("none") : "'" + clipped(type, 60) + "'")},
                _explain);
    }
    return nullptr;
}

bool Router::authorized(const std::string& given, const std::string& token)
{
    // Both sides are hashed first, so that the comparison takes the same time whatever the
    // lengths, and OpenSSL's CRYPTO_memcmp compares the digests without an early exit.
    unsigned givenSize = 0, expectedSize = 0;
    const auto givenDigest = digest(given, givenSize);
    const auto expectedDigest = digest("Bearer " + token, expectedSize);
    return givenSize != 0 && givenSize == expectedSize &&
           CRYPTO_memcmp(givenDigest.data(), expectedDigest.data(), givenSize) == 0;
}

Poco::Net::HTTPRequestHandler*
Router::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
    if (_onRequestThread)
        _onRequestThread();
    Poco::URI uri;
    try
    {
        // Found by the hostile matrix: "%zz" in the path or the query was a 500.
        uri = Poco::URI(request.getURI());
        uri.getQueryParameters();
    }
    catch (const Poco::SyntaxException& e)
    {
        return refuse({HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                       "the request target is not a valid URI: " + clipped(e.message(), 120)},
                      _explain);
    }
    const std::string& path = uri.getPath();
    const std::string& method = request.getMethod();
    const auto parts = decodedSegments(request.getURI(), path);

    const Route* found = nullptr;
    PathParams params;
    std::set<std::string> allowed;
    bool needsToken = path.compare(0, 5, "/api/") == 0 || path == "/api";
    for (std::size_t i = 0; i < _routes.size(); ++i)
    {
        PathParams matched;
        if (!matches(_patterns[i], parts, matched))
            continue;
        needsToken = needsToken || _routes[i].access == Access::Token;
        allowed.insert(_routes[i].method);
        if (!found && _routes[i].method == method)
        {
            found = &_routes[i];
            params = std::move(matched);
        }
    }
    if (needsToken)
    {
        const AdminAccess current = access();
        // DNS rebinding reaches this endpoint under a name of the attacker's: only names that
        // are this endpoint's are answered, and addresses (no page can rebind one).
        const std::string host = hostOf(request.getHost());
        Poco::Net::IPAddress address;
        const bool literal =
            !host.empty() &&
            Poco::Net::IPAddress::tryParse(
                host.front() == '[' ? host.substr(1, host.size() - 2) : host, address);
        const bool known =
            literal || host == _listenHost || host == "localhost" ||
            std::find(current.hosts.begin(), current.hosts.end(), host) != current.hosts.end();
        if (!known)
            return refuse(
                {HTTPResponse::HTTP_MISDIRECTED_REQUEST, "host_not_allowed",
                 "this endpoint does not answer to the Host " +
                     (host.empty() ? std::string("(none)") : "'" + clipped(host, 100) + "'") +
                     "; add it to admin.allowed_hosts if it is one of its names"},
                _explain);
        if (!current.tokens.empty() &&
            std::none_of(current.tokens.begin(), current.tokens.end(),
                         [&](const std::string& token)
                         { return authorized(request.get("Authorization", ""), token); }))
            return refuse({HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized",
                           "this request needs Authorization: Bearer <admin.token>"},
                          _explain, {{"WWW-Authenticate", "Bearer"}});
        if (JsonHandler* refused = crossSiteRefusal(request))
            return refused;
    }
    if (!found && allowed.empty())
        return refuse({HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "no route " + clipped(method, 20) + " " + clipped(path, 200)},
                      _explain);
    if (!found)
    {
        std::string list;
        for (const auto& m : allowed)
            list += (list.empty() ? "" : ", ") + m;
        return refuse({HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                       clipped(method, 20) + " " + clipped(path, 200) + ": allowed " + list},
                      _explain, {{"Allow", list}});
    }
    JsonHandler* handler = found->make();
    handler->bind(std::move(uri), std::move(params), _explain);
    return handler;
}

} // namespace courierd
