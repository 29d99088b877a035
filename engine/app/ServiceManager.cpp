#include "app/ServiceManager.h"

#include <cstdlib>
#include <ctime>
#include <systemd/sd-daemon.h>

namespace courierd
{

void ServiceManager::ready(const std::string& status)
{
    notify("READY=1\nSTATUS=" + status);
}

void ServiceManager::reloading()
{
    // MONOTONIC_USEC lets systemd (253+) match the reload to this message.
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    notify("RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=" +
           std::to_string(static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000));
}

void ServiceManager::stopping()
{
    notify("STOPPING=1\nSTATUS=stopping");
}

void ServiceManager::status(const std::string& status)
{
    notify("STATUS=" + status);
}

void ServiceManager::watchdog()
{
    notify("WATCHDOG=1");
}

bool ServiceManager::listening()
{
    const char* socket = std::getenv("NOTIFY_SOCKET");
    return socket && *socket;
}

std::optional<Duration> ServiceManager::watchdogTimeout()
{
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return std::nullopt;
    return std::chrono::duration_cast<Duration>(std::chrono::microseconds(usec));
}

void ServiceManager::notify(const std::string& state)
{
    // 0 outside systemd, negative on an error: neither may stop the daemon.
    sd_notify(0, state.c_str());
}

} // namespace courierd
