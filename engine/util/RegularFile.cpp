#include "util/RegularFile.h"

#include "courierd/Exceptions.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace courierd
{

std::string regularFileProblem(const std::string& path)
{
    struct stat info
    {
    };
    if (::stat(path.c_str(), &info) != 0)
        return errno == ENOENT ? "no such file"
                               : std::string("cannot be read (") + std::strerror(errno) + ")";
    if (S_ISDIR(info.st_mode))
        return "is a directory, not a file";
    if (!S_ISREG(info.st_mode))
        return "is not a regular file (a FIFO, a socket or a device)";
    if (::access(path.c_str(), R_OK) != 0)
        return std::string("cannot be read (") + std::strerror(errno) + ")";
    return {};
}

std::string readRegularFile(const std::string& path, std::size_t maxBytes)
{
    if (const std::string problem = regularFileProblem(path); !problem.empty())
        throw ConfigException(path + ": " + problem);
    // O_NONBLOCK: should the file be swapped for a FIFO after the check, open() still returns.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw ConfigException(path + ": cannot be read (" + std::strerror(errno) + ")");
    std::string content;
    char buffer[65536];
    for (;;)
    {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
        {
            const int error = errno;
            ::close(fd);
            throw ConfigException(path + ": cannot be read (" + std::strerror(error) + ")");
        }
        if (got == 0)
            break;
        content.append(buffer, static_cast<std::size_t>(got));
        if (content.size() > maxBytes)
        {
            ::close(fd);
            throw ConfigException(path + ": larger than " + std::to_string(maxBytes) +
                                  " bytes; is it the right file?");
        }
    }
    ::close(fd);
    return content;
}

} // namespace courierd
