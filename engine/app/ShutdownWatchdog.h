#pragma once

#include "courierd/Duration.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace courierd
{

/// Ends the process if a graceful stop takes longer than `limit` (daemon.shutdown_timeout),
/// from its construction to its destruction. Exiting then is safe: every change courierd makes
/// is one transaction, so nothing is left half-done.
class ShutdownWatchdog
{
public:
    explicit ShutdownWatchdog(Duration limit);
    ~ShutdownWatchdog();
    ShutdownWatchdog(const ShutdownWatchdog&) = delete;
    ShutdownWatchdog& operator=(const ShutdownWatchdog&) = delete;

private:
    std::mutex _mutex;
    std::condition_variable _done;
    bool _finished = false;
    std::thread _thread;
};

} // namespace courierd
