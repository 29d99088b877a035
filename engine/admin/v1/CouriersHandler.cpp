#include "admin/v1/CouriersHandler.h"

#include "courierd/Utf8.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

const std::string COURIERS = "/api/v1/couriers";

Poco::JSON::Object toJson(const Courier& courier)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("id", courier.id);
    object.set("name", courier.name);
    object.set("phone", courier.phone);
    object.set("status", std::string(toString(courier.status)));
    object.set("transport_type", std::string(toString(courier.transport)));
    object.set("delivery_count", courier.deliveryCount);
    object.set("active_order_id", orNull(courier.activeOrderId));
    object.set("active_source", orNull(courier.activeSource));
    object.set("busy_until", courier.busyUntil ? Poco::Dynamic::Var(rfc3339(*courier.busyUntil))
                                               : Poco::Dynamic::Var());
    return object;
}

} // namespace

void CouriersHandler::addRoutes(Router& router, CourierService& couriers)
{
    router.add<CouriersHandler>("GET", COURIERS, Access::Token, &CouriersHandler::list, couriers);
    router.add<CouriersHandler>("POST", COURIERS, Access::Token, &CouriersHandler::create,
                                couriers);
    router.add<CouriersHandler>("GET", COURIERS + "/{id}", Access::Token, &CouriersHandler::get,
                                couriers);
    router.add<CouriersHandler>("PATCH", COURIERS + "/{id}", Access::Token,
                                &CouriersHandler::update, couriers);
}

Poco::Int64 CouriersHandler::id(Exchange& exchange)
{
    const std::string& text = exchange.param("id");
    const auto id = parseIdSegment(text);
    if (!id)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "no courier " + clipped(text, 40)};
    return *id;
}

void CouriersHandler::list(Exchange& exchange)
{
    std::optional<CourierStatus> status;
    if (const auto value = exchange.query("status"))
    {
        status = parseCourierStatus(*value);
        if (!status)
            throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_query",
                           "status '" + clipped(*value, 40) +
                               "': must be one of available, busy, paused"};
    }
    Poco::JSON::Array list;
    for (const auto& courier : service().list(status))
        list.add(toJson(courier));
    exchange.send(HTTPResponse::HTTP_OK, list);
}

void CouriersHandler::create(Exchange& exchange)
{
    const Courier created = service().create(readNewCourier(exchange.body()));
    exchange.response().set("Location", COURIERS + "/" + std::to_string(created.id));
    exchange.send(HTTPResponse::HTTP_CREATED, toJson(created));
}

void CouriersHandler::get(Exchange& exchange)
{
    const Poco::Int64 wanted = id(exchange);
    const auto courier = service().get(wanted);
    if (!courier)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "no courier " + std::to_string(wanted)};
    exchange.send(HTTPResponse::HTTP_OK, toJson(*courier));
}

void CouriersHandler::update(Exchange& exchange)
{
    const Poco::Int64 wanted = id(exchange);
    exchange.send(HTTPResponse::HTTP_OK,
                  toJson(service().update(wanted, readCourierChanges(exchange.body()))));
}

} // namespace courierd
