#pragma once

#include "couriers/Courier.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>

#include <optional>
#include <string>
#include <string_view>

namespace courierd
{

/// What the admin API reads from a request, apart from the HTTP plumbing: every function here
/// is pure, sees text from an untrusted client, and refuses it with an ApiError (a 4xx) or
/// ValidationException, never anything else. A fuzz target (fuzz/admin_input_fuzzer.cpp)
/// holds them to that.

/// An error with the status and code it is answered with.
struct ApiError
{
    Poco::Net::HTTPResponse::HTTPStatus status;
    std::string code;
    std::string message;
};

/// A 400 `bad_request` saying `why`.
[[noreturn]] void badRequest(const std::string& why);

/// The largest request body read.
constexpr std::size_t MAX_ADMIN_BODY = 64 * 1024;

/// `body` as a JSON object: 413 `body_too_large` past MAX_ADMIN_BODY, 400 `bad_json` for
/// anything that is not one JSON object (the message quotes at most 200 bytes of the parser's).
Poco::JSON::Object::Ptr parseJsonObject(const std::string& body);

/// The string field `name` of `object`, if present and not null; 400 `code` if it is anything
/// but a string.
std::optional<std::string> stringField(const Poco::JSON::Object::Ptr& object,
                                       const std::string& name, const std::string& code);

/// A numeric path parameter (a courier id): 1 to 18 ASCII digits, nothing else. POCO's number
/// parser alone also takes "+1", " 1" (from %201) and "1\0" (from 1%00).
std::optional<Poco::Int64> parseIdSegment(std::string_view segment);

/// The body of `POST /api/v1/couriers` and of `PATCH /api/v1/couriers/{id}`, read but not yet
/// checked (CourierRepository checks them with checkedName() and the others).
NewCourier readNewCourier(const Poco::JSON::Object::Ptr& body);
CourierChanges readCourierChanges(const Poco::JSON::Object::Ptr& body);

} // namespace courierd
