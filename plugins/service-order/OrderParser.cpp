#include "OrderParser.h"

#include "courierd/Rfc3339.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace service_order
{

std::variant<courierd::Record, courierd::Reject> parseOrder(std::string_view element,
                                                            const std::set<std::string>& assignable)
{
    const std::string payload(element);
    const auto reject = [&](const std::string& id, const std::string& why) {
        return courierd::Reject{id, payload, why};
    };

    Poco::JSON::Object::Ptr order;
    try
    {
        order = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception& e)
    {
        return reject("", "not a JSON object: " + e.displayText());
    }
    if (!order)
        return reject("", "not a JSON object");

    const auto id = order->get("id");
    if (id.isEmpty() || !id.isString() || id.extract<std::string>().empty())
        return reject("", "missing or non-string 'id'");
    const std::string orderId = id.extract<std::string>();

    const auto createdAt = order->get("created_at");
    if (createdAt.isEmpty() || !createdAt.isString())
        return reject(orderId, "missing or non-string 'created_at'");
    const auto created = courierd::parseRfc3339(createdAt.extract<std::string>());
    if (!created)
        return reject(orderId, "'created_at' is not an RFC3339 time: '" +
                                   createdAt.extract<std::string>() + "'");

    const auto status = order->get("status");
    if (status.isEmpty() || !status.isString())
        return reject(orderId, "missing or non-string 'status'");

    courierd::Record record;
    record.id = orderId;
    record.createdAt = *created;
    record.payload = payload;
    const std::string statusText = status.extract<std::string>();
    if (!assignable.count(statusText))
    {
        record.verdict = courierd::Record::Verdict::Skip;
        record.reason = "status " + statusText;
    }
    return record;
}

} // namespace service_order
