#pragma once

#include <chrono>
#include <string>

namespace courierd::test
{

/// A datagram socket standing in for systemd's NOTIFY_SOCKET: set path() as NOTIFY_SOCKET in a
/// courierd's environment and read what it tells systemd.
class NotifySocket
{
public:
    NotifySocket();
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::string& path() const { return _path; }

    /// The next message, or empty if none came within `limit`.
    std::string receive(std::chrono::milliseconds limit = std::chrono::seconds(20));

    /// Reads messages until one contains `text` and returns it; empty if none did within
    /// `limit`. Messages before it are dropped.
    std::string waitFor(const std::string& text,
                        std::chrono::milliseconds limit = std::chrono::seconds(20));

private:
    std::string _path;
    int _socket = -1;
};

} // namespace courierd::test
