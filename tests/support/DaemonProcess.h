#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace courierd::test
{

/// The real `courierd` binary (the path CMake passes in), run as a child process with its
/// standard output and error collected. Killed (SIGKILL) by the destructor if still running.
class DaemonProcess
{
public:
    /// Starts courierd with `args`; `environment` is added to this process's environment.
    explicit DaemonProcess(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& environment = {});
    ~DaemonProcess();

    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    /// Waits until the output contains `text`; false if it did not within `limit` (or the
    /// process ended first).
    bool waitForOutput(const std::string& text,
                       std::chrono::milliseconds limit = std::chrono::seconds(20));

    void signal(int sig) const;

    /// The process's peak resident memory so far (VmHWM), in KiB; 0 once it has exited.
    long peakResidentKiB() const;

    /// Its resident memory now (VmRSS), in KiB; 0 once it has exited.
    long residentKiB() const;

    /// The exit code (128 + n for a signal), or nothing if still running after `limit`.
    std::optional<int> waitForExit(std::chrono::milliseconds limit = std::chrono::seconds(20));

    /// Everything written to stdout and stderr so far.
    std::string output() const;

    /// Runs courierd to completion and returns its exit code.
    static int run(const std::vector<std::string>& args, std::string& output,
                   const std::map<std::string, std::string>& environment = {});

private:
    void read(int fd);

    pid_t _pid = -1;
    std::optional<int> _exitCode;
    mutable std::mutex _mutex;
    std::condition_variable _changed;
    std::string _output;
    bool _closed = false;
    std::thread _reader;
};

} // namespace courierd::test
