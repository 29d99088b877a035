#include "admin/AdminInput.h"

#include "courierd/Utf8.h"

#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

namespace courierd
{

using Poco::Net::HTTPResponse;

Poco::JSON::Object::Ptr parseJsonObject(const std::string& body)
{
    if (body.size() > MAX_ADMIN_BODY)
        throw ApiError{HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                       "the body is larger than " + std::to_string(MAX_ADMIN_BODY) + " bytes"};
    Poco::Dynamic::Var parsed;
    try
    {
        parsed = Poco::JSON::Parser().parse(body);
    }
    catch (const Poco::Exception& e)
    {
        throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_json",
                       "the body is not JSON: " + clipped(e.message(), 200)};
    }
    // Checked before extracting: a failed extract names C++ types, not the request's fault.
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
        if (auto object = parsed.extract<Poco::JSON::Object::Ptr>())
            return object;
    throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_json", "the body is not a JSON object"};
}

std::optional<std::string> stringField(const Poco::JSON::Object::Ptr& object,
                                       const std::string& name, const std::string& code)
{
    if (!object->has(name) || object->isNull(name))
        return std::nullopt;
    const auto value = object->get(name);
    if (!value.isString())
        throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, code, name + ": must be a string"};
    return value.extract<std::string>();
}

std::optional<Poco::Int64> parseIdSegment(std::string_view segment)
{
    Poco::Int64 id = 0;
    if (segment.empty() || segment.size() > 18 ||
        segment.find_first_not_of("0123456789") != std::string_view::npos ||
        !Poco::NumberParser::tryParse64(std::string(segment), id))
        return std::nullopt;
    return id;
}

NewCourier readNewCourier(const Poco::JSON::Object::Ptr& body)
{
    NewCourier input;
    input.name = stringField(body, "name", "invalid_courier").value_or("");
    input.phone = stringField(body, "phone", "invalid_courier").value_or("");
    input.status = stringField(body, "status", "invalid_courier").value_or("available");
    input.transport = stringField(body, "transport_type", "invalid_courier").value_or("");
    return input;
}

CourierChanges readCourierChanges(const Poco::JSON::Object::Ptr& body)
{
    CourierChanges changes;
    changes.name = stringField(body, "name", "invalid_courier");
    changes.phone = stringField(body, "phone", "invalid_courier");
    changes.status = stringField(body, "status", "invalid_courier");
    changes.transport = stringField(body, "transport_type", "invalid_courier");
    return changes;
}

void badRequest(const std::string& why)
{
    throw ApiError{Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "bad_request", why};
}

} // namespace courierd
