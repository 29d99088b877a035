#include "DaemonProcess.h"

#include <Poco/Exception.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace courierd::test
{

DaemonProcess::DaemonProcess(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& environment)
{
    std::vector<std::string> env;
    for (char** entry = environ; *entry; ++entry)
    {
        const std::string text = *entry;
        if (!environment.count(text.substr(0, text.find('='))))
            env.push_back(text);
    }
    for (const auto& [name, value] : environment)
        env.push_back(name + "=" + value);
    // A clone may live in a directory of any owner and mode; the plugin files' trust is tested
    // where it is the point (PluginHostTest, CourierDaemonTest).
    const std::string strict = "COURIERD_PLUGINS_STRICT_PERMISSIONS";
    if (!environment.count(strict) && !::getenv(strict.c_str()))
        env.push_back(strict + "=false");

    std::vector<char*> argv{const_cast<char*>(COURIERD_BINARY)};
    for (const auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : env)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        throw Poco::SystemException("pipe", std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
    // The child starts with no signal blocked, as it would from a shell.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    const int error =
        posix_spawn(&_pid, COURIERD_BINARY, &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(pipeFds[1]);
    if (error != 0)
    {
        close(pipeFds[0]);
        throw Poco::SystemException(std::string("cannot start ") + COURIERD_BINARY,
                                    std::strerror(error));
    }
    _reader = std::thread([this, fd = pipeFds[0]] { read(fd); });
}

DaemonProcess::~DaemonProcess()
{
    if (!_exitCode)
    {
        ::kill(_pid, SIGKILL);
        waitForExit(std::chrono::seconds(10));
    }
    if (_reader.joinable())
        _reader.join();
}

void DaemonProcess::read(int fd)
{
    char buffer[4096];
    for (;;)
    {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        std::lock_guard lock(_mutex);
        if (n <= 0)
        {
            _closed = true;
            _changed.notify_all();
            break;
        }
        _output.append(buffer, static_cast<std::size_t>(n));
        _changed.notify_all();
    }
    close(fd);
}

bool DaemonProcess::waitForOutput(const std::string& text, std::chrono::milliseconds limit)
{
    std::unique_lock lock(_mutex);
    return _changed.wait_for(lock, limit,
                             [&] { return _output.find(text) != std::string::npos || _closed; }) &&
           _output.find(text) != std::string::npos;
}

void DaemonProcess::signal(int sig) const
{
    ::kill(_pid, sig);
}

std::optional<int> DaemonProcess::waitForExit(std::chrono::milliseconds limit)
{
    if (_exitCode)
        return _exitCode;
    const Poco::Timestamp started;
    for (;;)
    {
        int status = 0;
        const pid_t done = waitpid(_pid, &status, WNOHANG);
        if (done == _pid)
        {
            _exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            if (_reader.joinable())
                _reader.join();
            return _exitCode;
        }
        if (started.elapsed() > limit.count() * 1000)
            return std::nullopt;
        Poco::Thread::sleep(5);
    }
}

std::string DaemonProcess::output() const
{
    std::lock_guard lock(_mutex);
    return _output;
}

int DaemonProcess::run(const std::vector<std::string>& args, std::string& output,
                       const std::map<std::string, std::string>& environment)
{
    DaemonProcess process(args, environment);
    const auto code = process.waitForExit(std::chrono::seconds(60));
    output = process.output();
    if (!code)
        throw Poco::TimeoutException("courierd did not exit within 60s; output:\n" + output);
    return *code;
}

namespace
{

long statusField(pid_t pid, const std::string& field)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stol(line.substr(field.size() + 1));
    return 0;
}

} // namespace

long DaemonProcess::peakResidentKiB() const
{
    return statusField(_pid, "VmHWM");
}

long DaemonProcess::residentKiB() const
{
    return statusField(_pid, "VmRSS");
}

} // namespace courierd::test
