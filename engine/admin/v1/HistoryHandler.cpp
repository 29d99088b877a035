#include "admin/v1/HistoryHandler.h"

#include "admin/JsonHandler.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

void HistoryHandler::addRoutes(Router& router, metrics::History& history)
{
    router.add<HistoryHandler>("GET", "/api/v1/history", Access::Token, &HistoryHandler::points,
                               history);
}

void HistoryHandler::points(Exchange& exchange)
{
    Poco::JSON::Array points;
    for (const auto& point : service().points())
    {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("at", rfc3339(point.at));
        Poco::JSON::Object::Ptr lag = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& [source, seconds] : point.lagSeconds)
            lag->set(source, seconds);
        item->set("lag_seconds", lag);
        item->set("assigned_per_minute", orNull(point.assignedPerMinute));
        item->set("latency_p50_seconds", orNull(point.latencyP50Seconds));
        item->set("latency_p99_seconds", orNull(point.latencyP99Seconds));
        points.add(item);
    }
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("step_seconds", service().step().count() / 1000.0);
    body.set("window_seconds",
             static_cast<double>(service().step().count()) * service().keep() / 1000.0);
    body.set("points", points);
    exchange.send(HTTPResponse::HTTP_OK, body);
}

} // namespace courierd
