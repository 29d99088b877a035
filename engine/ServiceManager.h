#pragma once

#include <string>

namespace courierd
{

/// What courierd tells systemd (the notify protocol, through libsystemd's sd_notify): ready,
/// reloading, stopping and a one-line status. Outside systemd (no NOTIFY_SOCKET) every call
/// does nothing. Thread-safe.
class ServiceManager
{
public:
    /// READY=1 with `status`: sent once courierd logs `courierd ready`.
    static void ready(const std::string& status);
    /// STOPPING=1: a stop has begun.
    static void stopping();
    /// STATUS=`status`: one line.
    static void status(const std::string& status);

private:
    static void notify(const std::string& state);
};

} // namespace courierd
