#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/orders/{source}/{id}`: one order's ledger, its inbox row (with the payload)
/// and its delivery or null; 404 `order_not_found`.
class OrdersHandler : public ResourceHandler<OrdersHandler, LedgerService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, LedgerService& ledger);

    void get(Exchange& exchange);
};

} // namespace courierd
