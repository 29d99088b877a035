#pragma once

#include "courierd/Duration.h"

#include <optional>
#include <string>

namespace courierd
{

/// What courierd tells systemd (the notify protocol, through libsystemd's sd_notify): ready,
/// reloading, stopping, a one-line status and watchdog pings. Outside systemd (no
/// NOTIFY_SOCKET) every call does nothing. Thread-safe.
class ServiceManager
{
public:
    /// READY=1 with `status`: sent once courierd logs `courierd ready`, and after a reload.
    static void ready(const std::string& status);
    /// RELOADING=1: a reload has begun; ready() ends it, whether it applied or not.
    static void reloading();
    /// STOPPING=1: a stop has begun.
    static void stopping();
    /// STATUS=`status`: one line.
    static void status(const std::string& status);
    /// WATCHDOG=1: courierd is alive. Send it only after checking that it is.
    static void watchdog();
    /// True when a service manager listens (NOTIFY_SOCKET is set).
    static bool listening();
    /// The watchdog timeout systemd expects pings within (`WatchdogSec=`), when it watches
    /// this process.
    static std::optional<Duration> watchdogTimeout();

private:
    static void notify(const std::string& state);
};

} // namespace courierd
