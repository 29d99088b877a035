#include "admin/Router.h"

#include "courierd/Utf8.h"

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

Router::Router(std::string token, Explain explain)
    : _explain(std::move(explain))
    , _token(std::move(token))
{
}

void Router::add(Route route)
{
    _patterns.push_back(segments(route.pattern));
    _routes.push_back(std::move(route));
}

void Router::setToken(std::string token)
{
    std::lock_guard lock(_tokenMutex);
    _token = std::move(token);
}

std::string Router::token() const
{
    std::lock_guard lock(_tokenMutex);
    return _token;
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
        const std::string expected = token();
        if (!expected.empty() && !authorized(request.get("Authorization", ""), expected))
            return refuse({HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized",
                           "this request needs Authorization: Bearer <admin.token>"},
                          _explain, {{"WWW-Authenticate", "Bearer"}});
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
