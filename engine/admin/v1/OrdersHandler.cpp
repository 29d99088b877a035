#include "admin/v1/OrdersHandler.h"

#include "admin/v1/LedgerJson.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

const std::string ORDERS = "/api/v1/orders";

} // namespace

void OrdersHandler::addRoutes(Router& router, LedgerService& ledger)
{
    router.add<OrdersHandler>("GET", ORDERS + "/{source}/{id}", Access::Token, &OrdersHandler::get,
                              ledger);
}

void OrdersHandler::get(Exchange& exchange)
{
    const std::string& source = exchange.param("source");
    const std::string& id = exchange.param("id");
    const auto order = service().order(source, id);
    if (!order)
        orderNotFound(source, id, "order ");
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("inbox", toJson(order->inbox));
    body.set("delivery",
             order->delivery ? Poco::Dynamic::Var(toJson(*order->delivery)) : Poco::Dynamic::Var());
    Poco::JSON::Array unassignments;
    for (const auto& entry : order->unassignments)
    {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("at", rfc3339(entry.at));
        item->set("courier_id", entry.courierId);
        item->set("assigned_at", rfc3339(entry.assignedAt));
        item->set("requeued", entry.requeued);
        item->set("reason", entry.reason);
        item->set("remote", entry.remote);
        unassignments.add(item);
    }
    body.set("unassignments", unassignments);
    exchange.send(HTTPResponse::HTTP_OK, body);
}

} // namespace courierd
