#pragma once

#include "metrics/Registry.h"

namespace courierd
{

/// What the plugins' HttpClients do, by source (courierd_http_requests_total and
/// courierd_http_retries_total; see sdk/HttpObserver.h), while it lives. One at a time.
class HttpMetrics
{
public:
    explicit HttpMetrics(metrics::Registry& registry);
    ~HttpMetrics();
    HttpMetrics(const HttpMetrics&) = delete;
    HttpMetrics& operator=(const HttpMetrics&) = delete;
};

} // namespace courierd
