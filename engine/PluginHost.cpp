#include "PluginHost.h"

#include "Exceptions.h"
#include "RegularFile.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/SharedLibrary.h>

namespace courierd
{

namespace
{

using AbiVersionFunction = int (*)();
using InfoFunction = const PluginInfo* (*)();

} // namespace

PluginHost::PluginHost(std::string directory)
    : _directory(std::move(directory))
{
}

PluginHost::~PluginHost()
{
    _instances.clear();
    for (const auto& [path, plugin] : _plugins)
        _loader.unloadLibrary(path);
}

std::string PluginHost::pathOf(const std::string& plugin) const
{
    if (plugin.find('/') != std::string::npos)
        return plugin;
    return Poco::Path(_directory).append(plugin + ".so").toString();
}

const PluginHost::Loaded& PluginHost::load(const std::string& plugin)
{
    const std::string path = pathOf(plugin);
    if (auto it = _plugins.find(path); it != _plugins.end())
        return it->second;

    // dlopen() of a FIFO would block for good: only a regular, readable file is opened.
    if (const std::string problem = regularFileProblem(path); problem == "no such file")
        throw PluginException("plugin '" + plugin + "': no file " + path +
                              (plugin.find('/') == std::string::npos
                                   ? " (plugins are looked up in plugins.dir = " + _directory + ")"
                                   : std::string()));
    else if (!problem.empty())
        throw PluginException("plugin '" + plugin + "': " + path + " " + problem);

    // Only the two C functions run before the checks; the manifest loader would run the
    // library's initializers first.
    Loaded loaded;
    loaded.path = path;
    {
        Poco::SharedLibrary library;
        try
        {
            library.load(path);
        }
        catch (const Poco::Exception& e)
        {
            throw PluginException(path + ": cannot load: " + e.message());
        }
        if (!library.hasSymbol(ABI_VERSION_SYMBOL))
        {
            library.unload();
            throw PluginException(path + ": not a courierd plugin: expected the symbol " +
                                  ABI_VERSION_SYMBOL + " (ABI " +
                                  std::to_string(COURIERD_ABI_VERSION) +
                                  "), found none; build it with COURIERD_PLUGIN()");
        }
        const int abi =
            reinterpret_cast<AbiVersionFunction>(library.getSymbol(ABI_VERSION_SYMBOL))();
        if (abi != COURIERD_ABI_VERSION)
        {
            library.unload();
            throw PluginException(path + ": built for plugin ABI " + std::to_string(abi) +
                                  ", this courierd expects ABI " +
                                  std::to_string(COURIERD_ABI_VERSION) +
                                  "; rebuild it against this courierd's SDK");
        }
        if (!library.hasSymbol(INFO_SYMBOL))
        {
            library.unload();
            throw PluginException(path + ": not a courierd plugin: expected the symbol " +
                                  INFO_SYMBOL + ", found none; build it with COURIERD_PLUGIN()");
        }
        const PluginInfo* info = reinterpret_cast<InfoFunction>(library.getSymbol(INFO_SYMBOL))();
        loaded.name = info && info->name ? info->name : "";
        loaded.version = info && info->version ? info->version : "";
        loaded.className = info && info->className ? info->className : "";
        library.unload();
    }
    if (loaded.name.empty() || loaded.className.empty())
        throw PluginException(path + ": its plugin info has no name or class");
    for (const auto& [otherPath, other] : _plugins)
        if (other.name == loaded.name)
            throw PluginException(path + ": declares the plugin name '" + loaded.name +
                                  "', which " + otherPath + " already has");

    try
    {
        _loader.loadLibrary(path);
    }
    catch (const Poco::LibraryLoadException& e)
    {
        if (e.message().find("class mismatch") != std::string::npos)
            throw PluginException(path + ": expected a manifest of courierd::Source classes, "
                                         "found one for another base class");
        throw PluginException(path + ": " + e.displayText());
    }
    const auto* manifest = _loader.findManifest(path);
    if (!manifest || manifest->find(loaded.className) == manifest->end())
    {
        _loader.unloadLibrary(path);
        throw PluginException(path + ": expected class " + loaded.className +
                              " in its manifest, found none");
    }
    return _plugins.emplace(path, std::move(loaded)).first->second;
}

Source& PluginHost::create(const std::string& plugin)
{
    const Loaded& loaded = load(plugin);
    _instances.emplace_back(_loader.create(loaded.className));
    return *_instances.back();
}

} // namespace courierd
