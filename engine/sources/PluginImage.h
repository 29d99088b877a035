#pragma once

#include <cstdint>
#include <string>

namespace courierd
{

/// A plugin file as the dynamic loader will see it: copied whole into a sealed memory file
/// (memfd) and checked there, so that what was checked is what is loaded, and a plugin file
/// truncated or rewritten in place later (a `cp` over it, a copy still in progress) can never
/// reach a mapped page of a running courierd (a SIGBUS in the loader, or later). The copy is
/// checked as an ELF shared object of courierd's own class, byte order and machine, with its
/// program headers and every loadable segment inside the file; `dlopen()` of anything less
/// maps past the end of the file and dies with SIGBUS instead of returning an error. Used from
/// the main thread.
class PluginImage
{
public:
    /// The most bytes a plugin file may have.
    static constexpr std::uint64_t MAX_BYTES = 256ull << 20;

    /// Reads `path` (a regular file: opened without blocking, checked with fstat). Throws
    /// PluginException starting with `path`, saying what is wrong: not a regular file, cannot
    /// be read, larger than MAX_BYTES, or not a whole, loadable shared library (elfProblem()).
    /// With `strictPermissions` (`plugins.strict_permissions`), as sshd's StrictModes: the file
    /// and the directory holding it (not its parents) must be owned by root or courierd's own
    /// user and writable by no one else (others, or a group other than root's or courierd's).
    PluginImage(const std::string& path, bool strictPermissions);
    /// Closes the memory file unless release()d.
    ~PluginImage();

    PluginImage(const PluginImage&) = delete;
    PluginImage& operator=(const PluginImage&) = delete;

    /// The name to hand to the dynamic loader: `/proc/self/fd/N` of the memory file.
    const std::string& loaderPath() const { return _loaderPath; }
    /// Which build the file held when read: device, inode, size and modification time (ns).
    const std::string& fileId() const { return _fileId; }
    /// Gives up ownership of the memory file's descriptor (it stays open) and returns it.
    int release();

    /// What makes `bytes` (`size` of them) no whole shared library that this process can load,
    /// or an empty string: no ELF header, another class, byte order or machine than courierd's
    /// own, not a shared object, program headers or a loadable segment past the end. Pure; any
    /// thread.
    static std::string elfProblem(const unsigned char* bytes, std::uint64_t size);

private:
    int _fd = -1;
    std::string _loaderPath;
    std::string _fileId;
};

/// Which build `path` holds: device, inode, size and modification time; empty if it is gone.
std::string pluginFileId(const std::string& path);

} // namespace courierd
