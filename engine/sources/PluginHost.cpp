#include "sources/PluginHost.h"

#include "sources/PluginImage.h"
#include "util/Exceptions.h"
#include "util/Names.h"
#include "util/RegularFile.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/SharedLibrary.h>

#include <algorithm>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace courierd
{

namespace
{

using AbiVersionFunction = int (*)();
using InfoFunction = const PluginInfo* (*)();

} // namespace

PluginHost::PluginHost(std::string directory, bool strictPermissions)
    : _directory(std::move(directory))
    , _strictPermissions(strictPermissions)
{
}

PluginHost::~PluginHost()
{
    _instances.clear();
    for (const auto& [path, plugin] : _plugins)
        unload(plugin);
    for (const auto& build : _replaced)
        unload(build);
}

namespace
{

// Closes the descriptor behind a loader alias, unless the loader still holds a library under
// that name: it keeps one that defines unique symbols (libstdc++'s do) for good, or one whose
// load failed half-way, and a later alias of the same number would be handed that library.
void closeAlias(const std::string& as, int fd)
{
    if (fd < 0)
        return;
    if (void* still = dlopen(as.c_str(), RTLD_LAZY | RTLD_NOLOAD))
        dlclose(still);
    else
        ::close(fd);
}

} // namespace

std::string PluginHost::pathOf(const std::string& plugin) const
{
    if (plugin.find('/') != std::string::npos)
        return plugin;
    return Poco::Path(_directory).append(plugin + ".so").toString();
}

std::vector<std::string> PluginHost::available() const
{
    std::vector<std::string> names;
    Poco::DirectoryIterator end;
    try
    {
        for (Poco::DirectoryIterator it(_directory); it != end; ++it)
            if (const std::string& file = it.name();
                file.size() > 3 && file.compare(file.size() - 3, 3, ".so") == 0)
                names.push_back(file.substr(0, file.size() - 3));
    }
    catch (const Poco::Exception&)
    {
        // No directory, or one that cannot be read: no names to offer.
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool PluginHost::replaced(const std::string& plugin) const
{
    const auto it = _plugins.find(pathOf(plugin));
    return it != _plugins.end() && outdated(it->second);
}

bool PluginHost::outdated(const Loaded& build)
{
    const std::string now = pluginFileId(build.path);
    return !now.empty() && now != build.fileId;
}

const PluginHost::Loaded& PluginHost::info(const std::string& plugin) const
{
    const auto it = _plugins.find(pathOf(plugin));
    if (it == _plugins.end())
        throw Poco::NotFoundException("plugin " + plugin + " is not loaded");
    return it->second;
}

const PluginHost::Loaded& PluginHost::load(const std::string& plugin)
{
    const std::string path = pathOf(plugin);
    const auto current = _plugins.find(path);
    if (current != _plugins.end() && !replaced(plugin))
        return current->second;

    // dlopen() of a FIFO would block for good: only a regular, readable file is opened.
    if (const std::string problem = regularFileProblem(path); problem == "no such file")
    {
        std::string message = "plugin '" + plugin + "': no file " + path;
        if (plugin.find('/') == std::string::npos)
        {
            const std::vector<std::string> names = available();
            message += " (plugins are looked up in plugins.dir = " + _directory +
                       ", which holds: " + joined(names, "none") + ")";
            if (const std::string near = nearestName(plugin, names); !near.empty())
                message += "; did you mean '" + near + "'?";
        }
        throw PluginException(message);
    }
    else if (!problem.empty())
        throw PluginException("plugin '" + plugin + "': " + path + " " + problem);

    // Checked and loaded from one sealed copy in memory, under a name of its own: the
    // dynamic loader would hand back an old build for the old path, and a file cut short or
    // rewritten in place would be a SIGBUS, not an error.
    PluginImage image(path, _strictPermissions);
    const std::string as = image.loaderPath();
    Loaded loaded;
    try
    {
        loaded = check(plugin, path, as);
        loaded.fileId = image.fileId();
        for (const auto& [otherPath, other] : _plugins)
            if (other.name == loaded.name && otherPath != path)
                throw PluginException(path + ": declares the plugin name '" + loaded.name +
                                      "', which " + otherPath + " already has");
        try
        {
            _loader.loadLibrary(as);
        }
        catch (const Poco::LibraryLoadException& e)
        {
            if (e.message().find("class mismatch") != std::string::npos)
                throw PluginException(path + ": expected a manifest of courierd::Source classes, "
                                             "found one for another base class");
            throw PluginException(path + ": " + e.displayText());
        }
        const auto* manifest = _loader.findManifest(as);
        if (!manifest || manifest->find(loaded.className) == manifest->end())
        {
            _loader.unloadLibrary(as);
            throw PluginException(path + ": expected class " + loaded.className +
                                  " in its manifest, found none");
        }
    }
    catch (...)
    {
        closeAlias(as, image.release());
        throw;
    }
    const int aliasFd = image.release();
    loaded.aliasFd = aliasFd;
    if (current != _plugins.end())
    {
        Loaded old = std::move(current->second);
        _plugins.erase(current);
        const bool inUse =
            std::any_of(_instances.begin(), _instances.end(),
                        [&](const auto& instance) { return instance.second == old.loadedAs; });
        if (inUse)
            _replaced.push_back(std::move(old));
        else
            unload(old);
    }
    return _plugins.emplace(path, std::move(loaded)).first->second;
}

PluginHost::Loaded PluginHost::check(const std::string& plugin, const std::string& path,
                                     const std::string& as) const
{
    (void)plugin;
    // Only the two C functions run before the checks; the manifest loader would run the
    // library's initializers first.
    Loaded loaded;
    loaded.path = path;
    loaded.loadedAs = as;
    Poco::SharedLibrary library;
    try
    {
        library.load(as);
    }
    catch (const Poco::Exception& e)
    {
        throw PluginException(path + ": cannot load: " + e.message());
    }
    if (!library.hasSymbol(ABI_VERSION_SYMBOL))
    {
        library.unload();
        throw PluginException(path + ": not a courierd plugin: expected the symbol " +
                              ABI_VERSION_SYMBOL + " (ABI " + std::to_string(COURIERD_ABI_VERSION) +
                              "), found none; build it with COURIERD_PLUGIN()");
    }
    const int abi = reinterpret_cast<AbiVersionFunction>(library.getSymbol(ABI_VERSION_SYMBOL))();
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
        throw PluginException(path + ": not a courierd plugin: expected the symbol " + INFO_SYMBOL +
                              ", found none; build it with COURIERD_PLUGIN()");
    }
    const PluginInfo* info = reinterpret_cast<InfoFunction>(library.getSymbol(INFO_SYMBOL))();
    loaded.name = info && info->name ? info->name : "";
    loaded.version = info && info->version ? info->version : "";
    loaded.className = info && info->className ? info->className : "";
    library.unload();
    if (loaded.name.empty() || loaded.className.empty())
        throw PluginException(path + ": its plugin info has no name or class");
    return loaded;
}

Source& PluginHost::create(const std::string& plugin)
{
    const Loaded& loaded = load(plugin);
    // From this build's own manifest: an older build of the same plugin has the same class.
    const auto* manifest = _loader.findManifest(loaded.loadedAs);
    std::unique_ptr<Source> source((*manifest->find(loaded.className))->create());
    _instances.emplace_back(std::move(source), loaded.loadedAs);
    return *_instances.back().first;
}

void PluginHost::destroy(Source& source)
{
    const auto it =
        std::find_if(_instances.begin(), _instances.end(),
                     [&](const auto& instance) { return instance.first.get() == &source; });
    if (it == _instances.end())
        return;
    const std::string build = it->second;
    _instances.erase(it);
    const auto old = std::find_if(_replaced.begin(), _replaced.end(),
                                  [&](const Loaded& loaded) { return loaded.loadedAs == build; });
    if (old != _replaced.end() &&
        std::none_of(_instances.begin(), _instances.end(),
                     [&](const auto& instance) { return instance.second == build; }))
    {
        unload(*old);
        _replaced.erase(old);
    }
}

void PluginHost::unload(const Loaded& build)
{
    _loader.unloadLibrary(build.loadedAs);
    closeAlias(build.loadedAs, build.aliasFd);
}

} // namespace courierd
