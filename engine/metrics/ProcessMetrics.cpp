#include "metrics/ProcessMetrics.h"

#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace courierd::metrics
{

namespace
{

// Fields of /proc/self/stat, numbered from 1 as proc(5) does; the second (the command, in
// parentheses) may hold spaces, so fields are counted from the last ')'.
std::vector<std::string> statFields()
{
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return {};
    std::vector<std::string> fields{"", "", ""}; // 1 pid, 2 comm: unused
    std::istringstream rest(line.substr(close + 1));
    for (std::string field; rest >> field;)
        fields.push_back(field);
    return fields;
}

double bootTime()
{
    std::ifstream in("/proc/stat");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("btime ", 0) == 0)
            return std::stod(line.substr(6));
    return 0;
}

double openFds()
{
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir)
        return 0;
    double count = 0;
    while (const dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.')
            ++count;
    ::closedir(dir);
    return count - 1; // the directory's own descriptor
}

} // namespace

ProcessMetrics::ProcessMetrics(Registry& registry)
{
    auto& cpu = registry
                    .counter("process_cpu_seconds_total",
                             "Total user and system CPU time spent in seconds.")
                    .with();
    auto& resident =
        registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.").with();
    auto& virtualMemory =
        registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.").with();
    auto& fds = registry.gauge("process_open_fds", "Number of open file descriptors.").with();
    auto& maxFds =
        registry.gauge("process_max_fds", "Maximum number of open file descriptors.").with();
    auto& start = registry
                      .gauge("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.")
                      .with();
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    const double boot = bootTime();
    _collector = registry.collect(
        [cpu = &cpu, resident = &resident, virtualMemory = &virtualMemory, fds = &fds,
         maxFds = &maxFds, start = &start, ticks, page, boot]
        {
            const auto fields = statFields();
            if (fields.size() > 24)
            {
                cpu->set((std::stod(fields[14]) + std::stod(fields[15])) / ticks);
                start->set(boot + std::stod(fields[22]) / ticks);
                virtualMemory->set(std::stod(fields[23]));
                resident->set(std::stod(fields[24]) * page);
            }
            fds->set(openFds());
            rlimit limit{};
            if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
                maxFds->set(static_cast<double>(limit.rlim_cur));
        });
}

} // namespace courierd::metrics
