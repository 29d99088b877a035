#include "app/HttpMetrics.h"

#include "sdk/HttpObserver.h"

namespace courierd
{

HttpMetrics::HttpMetrics(metrics::Registry& registry)
{
    auto& requests = registry.counter("courierd_http_requests_total",
                                      "HTTP requests of the sources' plugins, each attempt, by "
                                      "status code (or error: no answer)",
                                      {"source", "code"});
    auto& retries = registry.counter("courierd_http_retries_total",
                                     "Retries of the sources' HTTP requests by reason: "
                                     "status_NNN, timeout, network",
                                     {"source", "reason"});
    http_observer::set(
        [&requests, &retries](const std::string& source, http_observer::Event event,
                              const std::string& label) {
            (event == http_observer::Event::Attempt ? requests : retries)
                .with({source, label})
                .inc();
        });
}

HttpMetrics::~HttpMetrics()
{
    http_observer::set({});
}

} // namespace courierd
