#pragma once

#include "courierd/Plugin.h"
#include "courierd/Source.h"

#include <Poco/ClassLoader.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace courierd
{

/// Loads source plugins and owns their instances. A plugin is checked before any of its code
/// beyond two `extern "C"` functions runs: its ABI version first, then its name (unique among
/// the loaded plugins), then the manifest (a courierd::Source subclass). Instances are destroyed
/// before their libraries are unloaded.
///
/// Every build is first copied whole into a sealed memory file and checked there as an ELF
/// shared object whose loadable segments lie within it (PluginImage), then loaded from that
/// copy (/proc/self/fd/N, kept open): what was checked is what is loaded, a truncated file is
/// refused with a message naming it instead of a SIGBUS in the dynamic loader, and a file
/// rewritten in place later never reaches a running build.
///
/// A plugin file replaced by a new build (another inode, size or time: install(1), mv, dpkg)
/// is loaded again, with the same checks, by the next load() of it; instances made before keep
/// the build they were made from, which is unloaded once the last of them is destroyed. (Each
/// build has a loader name of its own, since the dynamic loader hands back the old build for an
/// old name.) Used from the main thread only.
class PluginHost
{
public:
    /// `directory` is where plugins named without a path are looked up. With
    /// `strictPermissions`, a plugin file, or the directory holding it, that someone other
    /// than root or courierd's user may change is refused (PluginImage).
    explicit PluginHost(std::string directory, bool strictPermissions = true);
    ~PluginHost();

    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    /// What a loaded plugin says about itself.
    struct Loaded
    {
        std::string path;
        std::string name;
        std::string version;
        std::string className;
        /// The file as it was when loaded: device, inode, size, modification time (ns).
        std::string fileId;
        /// What was handed to the dynamic loader: /proc/self/fd/N of the build's memory copy.
        std::string loadedAs;
        int aliasFd = -1;
    };

    /// Loads `plugin` once: a name (`service-order` → `<directory>/service-order.so`) or a path
    /// to a `.so` file. Throws PluginException naming the file, what was expected and what was
    /// found: a missing file, one that is not a whole shared library of courierd's machine (cut
    /// short, another class or machine, no ELF at all), a library that does not load, a missing
    /// symbol, another ABI version, a name another plugin has, a manifest for another base
    /// class.
    const Loaded& load(const std::string& plugin);

    /// A new instance of the newest loaded build of `plugin` (load() first), owned by the host.
    Source& create(const std::string& plugin);

    /// Destroys an instance create() made (after its shutdown()); unloads a replaced build once
    /// its last instance is gone.
    void destroy(Source& source);

    /// True when the file of a loaded `plugin` is no longer the build that was loaded.
    bool replaced(const std::string& plugin) const;

    /// True when `build`'s file now holds another build (a missing file holds none).
    static bool outdated(const Loaded& build);

    /// What the newest loaded build of `plugin` says about itself (load() first).
    const Loaded& info(const std::string& plugin) const;

    /// The file `plugin` refers to.
    std::string pathOf(const std::string& plugin) const;

    const std::string& directory() const { return _directory; }

    /// The names of the plugins in the directory (its `*.so` files, sorted), for messages.
    std::vector<std::string> available() const;

private:
    std::string _directory;
    bool _strictPermissions;
    Loaded check(const std::string& plugin, const std::string& path, const std::string& as) const;
    void unload(const Loaded& build);

    Poco::ClassLoader<Source> _loader;
    std::map<std::string, Loaded> _plugins; // the newest build, by path
    std::vector<Loaded> _replaced;          // older builds whose instances still live
    // Declared after the loader so that they are destroyed first. Each with its build's alias.
    std::vector<std::pair<std::unique_ptr<Source>, std::string>> _instances;
};

} // namespace courierd
