#include "admin/v1/InboxHandler.h"

#include "admin/v1/LedgerJson.h"
#include "util/Exceptions.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

const std::string INBOX = "/api/v1/inbox";

} // namespace

void InboxHandler::addRoutes(Router& router, LedgerService& ledger)
{
    router.add<InboxHandler>("GET", INBOX, Access::Token, &InboxHandler::list, ledger);
    router.add<InboxHandler>("POST", INBOX + "/retry", Access::Token, &InboxHandler::retry, ledger);
}

void InboxHandler::list(Exchange& exchange)
{
    const PageRequest page = pageRequest(exchange);
    const InboxFilter filter{exchange.query("source"), exchange.query("state")};
    exchange.send(HTTPResponse::HTTP_OK, toJson(service().inbox(filter, page.limit, page.after)));
}

void InboxHandler::retry(Exchange& exchange)
{
    const auto body = exchange.body();
    RetryRequest request;
    request.source = stringField(body, "source", "bad_request");
    if (body->has("ids") && !body->isNull("ids"))
    {
        const auto ids = body->getArray("ids");
        if (!ids)
            throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                           "ids: must be an array of record ids"};
        for (std::size_t i = 0; i < ids->size(); ++i)
        {
            if (!ids->get(i).isString())
                throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                               "ids[" + std::to_string(i) + "]: must be a string"};
            request.ids.push_back(ids->get(i).extract<std::string>());
        }
        if (request.ids.empty())
            throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                           "ids: an empty list names no record (leave it out to retry every "
                           "failed row)"};
    }
    RetryOutcome outcome;
    try
    {
        outcome = service().retry(request);
    }
    catch (const ValidationException& e)
    {
        throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_request", e.message()};
    }
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("requeued", outcome.requeued);
    answer.set("left", outcome.left);
    answer.set("missing", outcome.missing);
    exchange.send(HTTPResponse::HTTP_OK, answer);
}

} // namespace courierd
