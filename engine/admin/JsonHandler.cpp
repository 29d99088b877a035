#include "admin/JsonHandler.h"

#include "util/Exceptions.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

// The admin API's code a component gave the refusal, else the handler's.
std::string codeOf(const Poco::Exception& e, const std::string& fallback)
{
    const auto* coded = dynamic_cast<const ApiCode*>(&e);
    return coded ? coded->apiCode() : fallback;
}

} // namespace

Exchange::Exchange(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   const Poco::URI& uri, const PathParams& params)
    : _request(request)
    , _response(response)
    , _uri(uri)
    , _params(params)
{
}

const std::string& Exchange::param(const std::string& name) const
{
    return _params.at(name);
}

std::optional<std::string> Exchange::query(const std::string& name) const
{
    std::optional<std::string> value;
    for (const auto& [key, text] : _uri.getQueryParameters())
        if (key == name)
            value = text;
    return value;
}

Poco::JSON::Object::Ptr Exchange::body()
{
    if (_request.getContentLength() > static_cast<std::streamsize>(MAX_ADMIN_BODY))
        throw ApiError{HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                       "the body is larger than " + std::to_string(MAX_ADMIN_BODY) + " bytes"};
    std::string body;
    Poco::StreamCopier::copyToString(_request.stream(), body, MAX_ADMIN_BODY + 1);
    return parseJsonObject(body);
}

namespace
{

template <typename Json> std::string stringify(const Json& body)
{
    std::ostringstream out;
    body.stringify(out);
    return out.str();
}

} // namespace

void Exchange::send(HTTPResponse::HTTPStatus status, const Poco::JSON::Object& body)
{
    sendText(status, "application/json", stringify(body));
}

void Exchange::send(HTTPResponse::HTTPStatus status, const Poco::JSON::Array& body)
{
    sendText(status, "application/json", stringify(body));
}

void Exchange::sendText(HTTPResponse::HTTPStatus status, const std::string& contentType,
                        const std::string& text)
{
    _response.setStatusAndReason(status); // the reason phrase of this status, not "OK"
    _response.setContentType(contentType);
    _response.setContentLength(static_cast<std::streamsize>(text.size()));
    _response.send() << text;
}

void JsonHandler::bind(Poco::URI uri, PathParams params, Explain explain)
{
    _uri = std::move(uri);
    _params = std::move(params);
    _explain = std::move(explain);
}

void JsonHandler::sendError(Poco::Net::HTTPServerResponse& response, const ApiError& error)
{
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("code", error.code);
    body.set("message", error.message);
    const std::string text = stringify(body);
    response.setStatusAndReason(error.status);
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    response.send() << text;
}

void JsonHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response)
{
    const auto explained = [this](const std::string& text)
    { return _explain ? _explain(text) : text; };
    // An error after the answer began cannot be answered: the connection is closed instead.
    const auto fail = [&response](const ApiError& error)
    {
        if (!response.sent())
            JsonHandler::sendError(response, error);
    };
    try
    {
        Exchange exchange(request, response, _uri, _params);
        handle(exchange);
    }
    catch (const ApiError& e)
    {
        fail(e);
    }
    catch (const ValidationException& e)
    {
        fail({HTTPResponse::HTTP_BAD_REQUEST, codeOf(e, invalidCode()), e.message()});
    }
    catch (const ConflictException& e)
    {
        fail({HTTPResponse::HTTP_CONFLICT, codeOf(e, "conflict"), e.message()});
    }
    catch (const Poco::NotFoundException& e)
    {
        fail({HTTPResponse::HTTP_NOT_FOUND, "not_found", e.displayText()});
    }
    catch (const StoreException& e)
    {
        fail({HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "store_unavailable", explained(e.message())});
    }
    catch (const Poco::Exception& e)
    {
        fail({HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal", explained(e.displayText())});
    }
    catch (const std::exception& e)
    {
        fail({HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal", explained(e.what())});
    }
}

void ErrorHandler::handle(Exchange& exchange)
{
    for (const auto& [name, value] : _headers)
        exchange.response().set(name, value);
    throw _error;
}

std::string rfc3339(const Poco::Timestamp& time)
{
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%dT%H:%M:%S.%iZ");
}

} // namespace courierd
