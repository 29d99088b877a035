#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/deliveries?source=&courier_id=&active=&limit=&after=` (a page, newest first)
/// and `DELETE /api/v1/deliveries/{source}/{order_id}[?requeue=false]` (unassign).
class DeliveriesHandler : public ResourceHandler<DeliveriesHandler, LedgerService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, LedgerService& ledger);

    void list(Exchange& exchange);
    void remove(Exchange& exchange); ///< 404 `order_not_found` when it has no delivery

protected:
    std::string invalidCode() const override { return "bad_query"; }
};

} // namespace courierd
