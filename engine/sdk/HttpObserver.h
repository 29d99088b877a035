#pragma once

#include "courierd/Export.h"

#include <functional>
#include <string>

/// How the host learns what HttpClient does for each source (courierd_http_requests_total,
/// courierd_http_retries_total) without a change to the plugin ABI: HttpClient lives in
/// libcourierd-sdk, which the host and every plugin share, and reports each attempt and each
/// retry here, labelled with the source the calling thread polls. Host-only: not installed.
namespace courierd::http_observer
{

enum class Event
{
    Attempt, ///< `label`: the HTTP status ("200", "503"), or "error" (no answer)
    Retry,   ///< `label`: why: "status_503", "timeout", "network"
};

using Observer =
    std::function<void(const std::string& source, Event event, const std::string& label)>;

/// Installs the host's observer (empty: none). Any thread; calls in flight finish with the
/// observer they started with.
COURIERD_SDK_API void set(Observer observer);

/// Labels the calling thread's requests with `source` while it lives (the scheduler, around
/// a poll). Requests made outside any scope are not reported.
class COURIERD_SDK_API Scope
{
public:
    explicit Scope(const std::string& source);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

private:
    std::string _previous;
};

/// Called by HttpClient.
COURIERD_SDK_API void report(Event event, const std::string& label);

} // namespace courierd::http_observer
