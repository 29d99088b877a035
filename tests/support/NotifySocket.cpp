#include "NotifySocket.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <cstdio>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace courierd::test
{

NotifySocket::NotifySocket()
    : _path(Poco::TemporaryFile::tempName() + ".sock")
    , _socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0))
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", _path.c_str());
    if (_socket < 0 ||
        ::bind(_socket, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throw Poco::IOException("cannot bind a notify socket at " + _path);
}

NotifySocket::~NotifySocket()
{
    ::close(_socket);
    Poco::File(_path).remove();
}

std::string NotifySocket::receive(std::chrono::milliseconds limit)
{
    pollfd ready{_socket, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(limit.count())) != 1)
        return {};
    char buffer[4096];
    const auto n = ::recv(_socket, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

std::string NotifySocket::waitFor(const std::string& text, std::chrono::milliseconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    for (auto now = std::chrono::steady_clock::now(); now < end;
         now = std::chrono::steady_clock::now())
    {
        std::string message =
            receive(std::chrono::duration_cast<std::chrono::milliseconds>(end - now));
        if (message.find(text) != std::string::npos)
            return message;
    }
    return {};
}

} // namespace courierd::test
