#pragma once

#include "metrics/Registry.h"

namespace courierd::metrics
{

/// The standard `process_*` metrics of the Prometheus client libraries, read from /proc at
/// each scrape: resident and virtual memory, CPU seconds, open and maximum file descriptors,
/// start time. Registered while it lives.
class ProcessMetrics
{
public:
    explicit ProcessMetrics(Registry& registry);

private:
    Registry::Collector _collector;
};

} // namespace courierd::metrics
