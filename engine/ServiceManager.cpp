#include "ServiceManager.h"

#include <systemd/sd-daemon.h>

namespace courierd
{

void ServiceManager::ready(const std::string& status)
{
    notify("READY=1\nSTATUS=" + status);
}

void ServiceManager::stopping()
{
    notify("STOPPING=1\nSTATUS=stopping");
}

void ServiceManager::status(const std::string& status)
{
    notify("STATUS=" + status);
}

void ServiceManager::notify(const std::string& state)
{
    // 0 outside systemd, negative on an error: neither may stop the daemon.
    sd_notify(0, state.c_str());
}

} // namespace courierd
