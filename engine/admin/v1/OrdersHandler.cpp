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
    exchange.send(HTTPResponse::HTTP_OK, body);
}

} // namespace courierd
