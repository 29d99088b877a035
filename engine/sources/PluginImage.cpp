#include "sources/PluginImage.h"

#include "util/Exceptions.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace courierd
{

namespace
{

using Header = ElfW(Ehdr);
using ProgramHeader = ElfW(Phdr);

#if __ELF_NATIVE_CLASS == 64
constexpr unsigned char OWN_CLASS = ELFCLASS64;
#else
constexpr unsigned char OWN_CLASS = ELFCLASS32;
#endif
#if __BYTE_ORDER == __LITTLE_ENDIAN
constexpr unsigned char OWN_DATA = ELFDATA2LSB;
#else
constexpr unsigned char OWN_DATA = ELFDATA2MSB;
#endif

// The machine courierd itself was built for, from its own ELF header in memory.
int ownMachine()
{
    static const int machine = []
    {
        int found = -1;
        dl_iterate_phdr(
            [](dl_phdr_info* info, std::size_t, void* data)
            {
                // The first object is the executable; its header is at its first PT_LOAD.
                for (int i = 0; i < info->dlpi_phnum; ++i)
                    if (info->dlpi_phdr[i].p_type == PT_LOAD && info->dlpi_phdr[i].p_offset == 0)
                    {
                        const auto* header = reinterpret_cast<const Header*>(
                            info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
                        *static_cast<int*>(data) = header->e_machine;
                        return 1;
                    }
                return 0;
            },
            &found);
        return found;
    }();
    return machine;
}

std::string statId(const struct stat& status)
{
    return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino) + ":" +
           std::to_string(status.st_size) + ":" + std::to_string(status.st_mtim.tv_sec) + "." +
           std::to_string(status.st_mtim.tv_nsec);
}

const std::string TRUST_ADVICE =
    ": a plugin runs inside courierd, so only root or courierd's user may change it (chown, "
    "chmod go-w), or set plugins.strict_permissions = false";

std::string bytes(std::uint64_t count)
{
    return std::to_string(count) + " bytes";
}

std::string octal(mode_t mode)
{
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

// Like sshd's StrictModes: what lets someone other than root or courierd's own user change
// what courierd runs, or an empty string.
std::string trustProblem(const struct stat& status)
{
    if (status.st_uid != 0 && status.st_uid != ::geteuid())
        return "is owned by uid " + std::to_string(status.st_uid) +
               ", neither root nor the user courierd runs as (uid " + std::to_string(::geteuid()) +
               ")";
    if (status.st_mode & S_IWOTH)
        return "is writable by others (mode " + octal(status.st_mode) + ")";
    if ((status.st_mode & S_IWGRP) && status.st_gid != 0 && status.st_gid != ::getegid())
        return "is writable by group " + std::to_string(status.st_gid) + " (mode " +
               octal(status.st_mode) + "), neither root's nor courierd's";
    return {};
}

} // namespace

std::string pluginFileId(const std::string& path)
{
    struct stat status
    {
    };
    if (::stat(path.c_str(), &status) != 0)
        return {};
    return statId(status);
}

std::string PluginImage::elfProblem(const unsigned char* data, std::uint64_t size)
{
    Header header{};
    if (size < sizeof header)
        return "is not a shared library: " + bytes(size) + ", shorter than an ELF header";
    std::memcpy(&header, data, sizeof header);
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
        return "is not a shared library: no ELF header";
    if (header.e_ident[EI_CLASS] != OWN_CLASS)
        return std::string("is an ELF file of another class (") +
               (header.e_ident[EI_CLASS] == ELFCLASS32 ? "32" : "64") + "-bit), not courierd's";
    if (header.e_ident[EI_DATA] != OWN_DATA)
        return "is an ELF file of another byte order than courierd's";
    if (header.e_type != ET_DYN)
        return "is an ELF file but not a shared library (type " + std::to_string(header.e_type) +
               ")";
    if (const int own = ownMachine(); own >= 0 && header.e_machine != own)
        return "is built for another machine (ELF machine " + std::to_string(header.e_machine) +
               ", courierd's is " + std::to_string(own) + ")";
    if (header.e_phentsize != sizeof(ProgramHeader) || header.e_phnum == 0 ||
        header.e_phnum >= PN_XNUM)
        return "is not a loadable shared library: " + std::to_string(header.e_phnum) +
               " program headers of " + std::to_string(header.e_phentsize) + " bytes";
    const std::uint64_t tableSize = std::uint64_t(header.e_phnum) * sizeof(ProgramHeader);
    if (header.e_phoff > size || tableSize > size - header.e_phoff)
        return "is cut short: its program headers end at byte " +
               std::to_string(header.e_phoff + tableSize) + ", past its " + bytes(size) +
               " (a truncated file, or a copy still in progress?)";
    bool loadable = false;
    for (std::size_t i = 0; i < header.e_phnum; ++i)
    {
        ProgramHeader segment{};
        std::memcpy(&segment, data + header.e_phoff + i * sizeof segment, sizeof segment);
        if (segment.p_type != PT_LOAD)
            continue;
        loadable = true;
        if (segment.p_offset > size || segment.p_filesz > size - segment.p_offset)
            return "is cut short: a loadable segment ends at byte " +
                   std::to_string(std::uint64_t(segment.p_offset) + segment.p_filesz) +
                   ", past its " + bytes(size) +
                   " (a truncated file, or a copy still in progress?)";
        if (segment.p_filesz > segment.p_memsz)
            return "is not a loadable shared library: a segment holds more bytes in the file "
                   "than in memory";
    }
    if (!loadable)
        return "is not a loadable shared library: no loadable segment";
    return {};
}

PluginImage::PluginImage(const std::string& path, bool strictPermissions)
{
    if (strictPermissions)
    {
        const auto slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
        struct stat status
        {
        };
        std::string problem;
        if (::stat(dir.c_str(), &status) == 0)
            problem = trustProblem(status);
        if (!problem.empty())
            throw PluginException(path + ": its directory " + dir + " " + problem + TRUST_ADVICE);
    }
    // O_NONBLOCK: a FIFO put in its place after the caller's check still does not block.
    const int file = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (file < 0)
        throw PluginException(path + ": cannot be read (" + std::strerror(errno) + ")");
    struct stat status
    {
    };
    std::vector<unsigned char> content;
    std::string problem;
    if (::fstat(file, &status) != 0)
        problem = std::string("cannot be read (") + std::strerror(errno) + ")";
    else if (!S_ISREG(status.st_mode))
        problem = "is not a regular file";
    else if (const std::string untrusted = strictPermissions ? trustProblem(status) : "";
             !untrusted.empty())
        problem = untrusted + TRUST_ADVICE;
    else if (std::uint64_t(status.st_size) > MAX_BYTES)
        problem = "is larger than " + bytes(MAX_BYTES) + "; is it the right file?";
    else
    {
        content.resize(static_cast<std::size_t>(status.st_size));
        std::size_t got = 0;
        while (got < content.size())
        {
            const ssize_t n =
                ::pread(file, content.data() + got, content.size() - got, static_cast<off_t>(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        // Shorter than fstat said: cut while it was read.
        content.resize(got);
        _fileId = statId(status);
    }
    ::close(file);
    if (problem.empty())
        problem = elfProblem(content.data(), content.size());
    if (!problem.empty())
        throw PluginException(path + ": " + problem);

    const std::string name = "courierd-plugin:" + path.substr(path.rfind('/') + 1);
    _fd = ::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    std::size_t written = 0;
    while (_fd >= 0 && written < content.size())
    {
        const ssize_t n = ::write(_fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += static_cast<std::size_t>(n);
    }
    if (_fd < 0 || written < content.size() ||
        ::fcntl(_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    {
        const std::string error = std::strerror(errno);
        if (_fd >= 0)
            ::close(_fd);
        throw PluginException(path + ": cannot be copied into memory for loading (" + error + ")");
    }
    _loaderPath = "/proc/self/fd/" + std::to_string(_fd);
}

PluginImage::~PluginImage()
{
    if (_fd >= 0)
        ::close(_fd);
}

int PluginImage::release()
{
    const int fd = _fd;
    _fd = -1;
    return fd;
}

} // namespace courierd
