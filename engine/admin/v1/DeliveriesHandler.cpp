#include "admin/v1/DeliveriesHandler.h"

#include "admin/v1/LedgerJson.h"
#include "courierd/Utf8.h"
#include "couriers/Assignment.h"
#include "util/Exceptions.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

const std::string DELIVERIES = "/api/v1/deliveries";

} // namespace

void DeliveriesHandler::addRoutes(Router& router, LedgerService& ledger)
{
    router.add<DeliveriesHandler>("GET", DELIVERIES, Access::Token, &DeliveriesHandler::list,
                                  ledger);
    router.add<DeliveriesHandler>("DELETE", DELIVERIES + "/{source}/{order_id}", Access::Token,
                                  &DeliveriesHandler::remove, ledger);
}

void DeliveriesHandler::list(Exchange& exchange)
{
    const PageRequest page = pageRequest(exchange);
    DeliveryFilter filter{exchange.query("source"), std::nullopt, flag(exchange, "active"),
                          flag(exchange, "ended")};
    if (const auto courier = exchange.query("courier_id"))
    {
        filter.courierId = parseIdSegment(*courier);
        if (!filter.courierId)
            badQuery("courier_id", *courier, "must be a courier's id");
    }
    exchange.send(HTTPResponse::HTTP_OK,
                  toJson(service().deliveries(filter, page.limit, page.after)));
}

void DeliveriesHandler::remove(Exchange& exchange)
{
    const std::string& source = exchange.param("source");
    const std::string& id = exchange.param("order_id");
    const bool requeue = flag(exchange, "requeue").value_or(true);
    const std::string reason = exchange.query("reason").value_or("");
    if (reason.size() > MAX_UNASSIGN_REASON_BYTES || firstUnstorableByte(reason))
        badQuery("reason", reason,
                 "at most " + std::to_string(MAX_UNASSIGN_REASON_BYTES) + " bytes of UTF-8 text");
    std::optional<Unassigned> removed;
    try
    {
        removed = service().unassign(source, id, requeue, reason,
                                     exchange.request().clientAddress().toString());
    }
    catch (const ValidationException&)
    {
        // An id no order can have (empty, too long, not text): it has no delivery either.
    }
    if (!removed)
        orderNotFound(source, id, "delivery of order ");
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("source", source);
    body.set("order_id", id);
    body.set("courier_id", removed->courierId);
    body.set("courier_freed", removed->courierFreed);
    body.set("inbox_state", orNull(removed->inboxState));
    exchange.send(HTTPResponse::HTTP_OK, body);
}

} // namespace courierd
