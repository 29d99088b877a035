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
/// before their libraries are unloaded. Used from the main thread only.
class PluginHost
{
public:
    /// `directory` is where plugins named without a path are looked up.
    explicit PluginHost(std::string directory);
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
    };

    /// Loads `plugin` once: a name (`service-order` → `<directory>/service-order.so`) or a path
    /// to a `.so` file. Throws PluginException naming the file, what was expected and what was
    /// found: a missing file, a library that does not load, a missing symbol, another ABI
    /// version, a name another plugin has, a manifest for another base class.
    const Loaded& load(const std::string& plugin);

    /// A new instance of a loaded plugin (load() first), owned by the host.
    Source& create(const std::string& plugin);

    /// The file `plugin` refers to.
    std::string pathOf(const std::string& plugin) const;

    const std::string& directory() const { return _directory; }

private:
    std::string _directory;
    Poco::ClassLoader<Source> _loader;
    std::map<std::string, Loaded> _plugins; // by path
    // Declared after the loader so that they are destroyed first.
    std::vector<std::unique_ptr<Source>> _instances;
};

} // namespace courierd
