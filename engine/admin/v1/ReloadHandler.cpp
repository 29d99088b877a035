#include "admin/v1/ReloadHandler.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

void ReloadHandler::addRoutes(Router& router, ReloadService& reload)
{
    router.add<ReloadHandler>("GET", "/api/v1/reload", Access::Token, &ReloadHandler::last, reload);
    router.add<ReloadHandler>("POST", "/api/v1/reload", Access::Token, &ReloadHandler::request,
                              reload);
}

// When, whether it applied, every problem if not, what it changed and which changed keys wait
// for a restart. `{"last": null}` before the first.
void ReloadHandler::last(Exchange& exchange)
{
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto report = service().last();
    if (!report)
    {
        body.set("last", Poco::Dynamic::Var());
        return exchange.send(HTTPResponse::HTTP_OK, body);
    }
    const auto list = [](const std::vector<std::string>& items)
    {
        Poco::JSON::Array array;
        for (const auto& item : items)
            array.add(item);
        return array;
    };
    Poco::JSON::Object::Ptr last = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    last->set("at", rfc3339(report->at));
    last->set("outcome", report->ok ? "applied" : "failed");
    last->set("problems", list(report->problems));
    last->set("restart_needed", list(report->restartNeeded));
    last->set("sources_added", list(report->added));
    last->set("sources_changed", list(report->changed));
    last->set("sources_removed", list(report->removed));
    last->set("keys_applied", list(report->applied));
    body.set("last", last);
    exchange.send(HTTPResponse::HTTP_OK, body);
}

void ReloadHandler::request(Exchange& exchange)
{
    service().request();
    Poco::JSON::Object body;
    body.set("status", "reloading");
    exchange.send(HTTPResponse::HTTP_ACCEPTED, body);
}

} // namespace courierd
