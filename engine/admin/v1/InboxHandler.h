#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/inbox?source=&state=&limit=&after=` (a page, newest fetched first) and
/// `POST /api/v1/inbox/retry` `{"source"?, "ids"?}` → `{"requeued", "left", "missing"}`.
class InboxHandler : public ResourceHandler<InboxHandler, LedgerService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, LedgerService& ledger);

    void list(Exchange& exchange);
    void retry(Exchange& exchange);

protected:
    std::string invalidCode() const override { return "bad_query"; }
};

} // namespace courierd
