#include "app/Commands.h"

#include "app/Startup.h"
#include "config/EngineConfig.h"
#include "config/KeyText.h"
#include "courierd/Exceptions.h"
#include "courierd/Plugin.h"
#include "courierd/RecordSink.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "sources/PluginHost.h"
#include "sources/RecordScreen.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceStore.h"
#include "store/Database.h"
#include "util/Exceptions.h"
#include "util/Names.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Util/Application.h>

#include <csignal>
#include <iostream>
#include <pthread.h>

namespace courierd::commands
{

using Poco::Util::Application;

int checkConfig(Startup& startup)
{
    SourceCatalog& sources = *startup.sources;
    std::cout << "configuration OK: " << startup.describePath() << "\n  store "
              << startup.database->description() << "\n  plugins.dir " << sources.pluginDir()
              << "\n";
    for (const auto& entry : sources.entries())
        std::cout << "  source " << entry->name << ": plugin " << entry->info.name << " "
                  << entry->info.version << " (" << entry->info.path << "), every "
                  << formatDuration(entry->interval) << "\n";
    std::cout << std::flush;
    sources.shutdown();
    return Application::EXIT_OK;
}

int migrate(Startup& startup)
{
    startup.startLogging();
    startup.migrate();
    return Application::EXIT_OK;
}

std::string renameProblem(const std::string& argument)
{
    const auto eq = argument.find('=');
    const std::string from = argument.substr(0, eq);
    const std::string to = eq == std::string::npos ? "" : argument.substr(eq + 1);
    if (eq != std::string::npos && SourceCatalog::validName(from) && SourceCatalog::validName(to) &&
        from != to)
        return "";
    return "--rename-source '" + clipped(argument, 240) +
           "': give FROM=TO, two different source names (" + SourceCatalog::NAME_RULE + ")";
}

int renameSource(Startup& startup, const std::string& argument)
{
    startup.startLogging();
    startup.migrate();
    const auto eq = argument.find('=');
    const std::string from = argument.substr(0, eq);
    const std::string to = argument.substr(eq + 1); // checked by renameProblem()
    SourceCatalog& sources = *startup.sources;
    bool fromConfigured = false, toConfigured = false;
    for (const auto& entry : sources.entries())
    {
        fromConfigured = fromConfigured || entry->name == from;
        toConfigured = toConfigured || entry->name == to;
    }
    sources.shutdown();
    if (fromConfigured || !toConfigured)
        throw ConfigException("--rename-source " + from + "=" + to +
                              ": rename the section [source." + from + "] to [source." + to +
                              "] in the configuration first, so that no courierd polls " + from +
                              " again from its start");
    try
    {
        const auto renamed = SourceStore(*startup.database).rename(from, to);
        std::cout << "source " << from << " renamed " << to << ": " << renamed.inbox
                  << " inbox row(s), " << renamed.deliveries << " delivery(ies), "
                  << renamed.busyCouriers << " busy courier(s), "
                  << (renamed.cursor ? "the cursor" : "no cursor") << "; " << from
                  << " is left paused" << std::endl;
        return Application::EXIT_OK;
    }
    catch (const ConflictException& e)
    {
        std::cerr << "courierd: cannot rename: " << e.message() << std::endl;
        return Application::EXIT_TEMPFAIL;
    }
    catch (const Poco::NotFoundException& e)
    {
        std::cerr << "courierd: cannot rename: " << e.message() << std::endl;
        return Application::EXIT_NOINPUT;
    }
}

namespace
{

void printKeys(const std::vector<ConfigKey>& keys)
{
    for (const auto& key : keys)
    {
        std::cout << "  " << key.name << "  " << typeName(key.type);
        if (key.type == ConfigType::Secret)
            std::cout << " (the name of a file holding it)";
        std::cout << ", "
                  << (key.defaultValue.empty() ? std::string("no default")
                                               : "default '" + key.defaultValue + "'");
        if (const std::string range = rangeOf(key, true); !range.empty())
            std::cout << ", " << range;
        std::cout << "\n      " << key.help << "\n";
    }
}

Poco::JSON::Array::Ptr keysJson(const std::vector<ConfigKey>& keys)
{
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& key : keys)
        out->add(keyJson(key));
    return out;
}

} // namespace

int describePlugin(const std::string& path, const Settings::Overrides& overrides,
                   const std::string& plugin, bool json)
{
    Settings settings = Settings::read(path.empty() && Poco::File(Startup::DEFAULT_CONFIG).exists()
                                           ? Startup::DEFAULT_CONFIG
                                           : path,
                                       Settings::currentEnvironment(), overrides);
    settings.declare(EngineConfig::schema());
    const PluginsConfig plugins = PluginsConfig::from(settings);
    PluginHost host(plugins.resolvedDir(), plugins.strictPermissions);
    PluginHost::Loaded loaded;
    std::vector<ConfigKey> keys;
    try
    {
        loaded = host.load(plugin);
        Source& source = host.create(plugin);
        keys = source.settings();
        host.destroy(source);
    }
    catch (const PluginException& e)
    {
        throw ConfigException("--describe-plugin " + clipped(plugin, 240) + ": " + e.message());
    }
    // The engine's keys of every section, by their names within it.
    std::vector<ConfigKey> engineKeys = SourceCatalog::engineKeys("NAME");
    for (auto& key : engineKeys)
        key.name = key.name.substr(std::string("source.NAME.").size());
    if (json)
    {
        Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
        out.set("name", loaded.name);
        out.set("version", loaded.version);
        out.set("class", loaded.className);
        out.set("abi", COURIERD_ABI_VERSION);
        out.set("path", loaded.path);
        out.set("keys", keysJson(keys));
        out.set("engine_keys", keysJson(engineKeys));
        out.stringify(std::cout, 2);
        std::cout << std::endl;
        return Application::EXIT_OK;
    }
    std::cout << "plugin " << loaded.name << " " << loaded.version << " (class " << loaded.className
              << ", plugin ABI " << COURIERD_ABI_VERSION << ")\nfile " << loaded.path
              << "\n\nIts keys in a [source.NAME] section";
    if (keys.empty())
        std::cout << ": none\n";
    else
    {
        std::cout << ":\n";
        printKeys(keys);
    }
    std::cout << "\nBeside them, the engine reads these in every [source.NAME] section:\n";
    printKeys(engineKeys);
    std::cout << "Each also from the environment (COURIERD_SOURCE_NAME_KEY) or --set "
                 "source.NAME.KEY=VALUE."
              << std::endl;
    return Application::EXIT_OK;
}

namespace
{

// Prints what a fetch hands over, as the engine would store it, the first `limit` items only.
class PreviewSink : public RecordSink
{
public:
    PreviewSink(const commands::Preview& preview, Poco::Timestamp now, Duration maxClockSkew)
        : _preview(preview)
        , _screen(now, maxClockSkew)
    {
    }

    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override
    {
        for (const auto& record : records)
            if (const auto why = _screen.unstorable(record))
                show(RecordScreen::storable(record.id, record.payload, *why));
            else
            {
                ++(record.verdict == Record::Verdict::Assign ? assign : skip);
                if (++_shown > _preview.limit)
                    continue;
                const char* verdict = record.verdict == Record::Verdict::Assign ? "assign" : "skip";
                if (_preview.json)
                    line({{"kind", "record"},
                          {"id", record.id},
                          {"created_at", formatRfc3339(record.createdAt)},
                          {"verdict", verdict},
                          {"reason", record.reason},
                          {"payload", record.payload}});
                else
                    std::cout << verdict << "\t" << clipped(record.id, 80) << "\t"
                              << formatRfc3339(record.createdAt)
                              << (record.reason.empty() ? "" : "\t" + record.reason) << "\n";
            }
        for (const auto& reject : rejects)
            show(RecordScreen::storable(reject.id, reject.payload, reject.reason));
        records.clear();
        rejects.clear();
    }

    std::size_t assign = 0, skip = 0, rejected = 0;

private:
    void show(const Reject& reject)
    {
        ++rejected;
        if (++_shown > _preview.limit)
            return;
        if (_preview.json)
            line({{"kind", "reject"},
                  {"id", reject.id},
                  {"reason", reject.reason},
                  {"payload", reject.payload}});
        else
            std::cout << "reject\t" << (reject.id.empty() ? "-" : clipped(reject.id, 80)) << "\t"
                      << reject.reason << "\n";
    }

    static void line(const std::vector<std::pair<std::string, std::string>>& fields)
    {
        Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& [key, value] : fields)
            object.set(key, value);
        object.stringify(std::cout);
        std::cout << "\n";
    }

    const commands::Preview& _preview;
    RecordScreen _screen;
    std::size_t _shown = 0;
};

} // namespace

int previewSource(Startup& startup, const Preview& preview)
{
    // The daemon waits for these signals on a thread of its own; a preview ends at Ctrl-C.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    SourceCatalog& sources = *startup.sources;
    std::shared_ptr<SourceCatalog::Entry> entry;
    std::vector<std::string> names;
    for (const auto& candidate : sources.entries())
    {
        names.push_back(candidate->name);
        if (candidate->name == preview.source)
            entry = candidate;
    }
    if (!entry)
        throw ConfigException(
            "--preview-source " + clipped(preview.source, 80) + ": no [source." +
            clipped(preview.source, 80) + "] in " + startup.describePath() +
            " (its sources: " + (names.empty() ? std::string("none") : joined(names)) + ")");
    std::string cursor = preview.cursor.value_or("");
    if (preview.from)
        try
        {
            cursor = entry->source->cursorAt(*preview.from);
        }
        catch (const UnsupportedException& e)
        {
            throw ConfigException("--preview-source " + entry->name + " --from: " + e.message());
        }
    PreviewSink sink(preview, entry->context->now(), entry->maxClockSkew);
    Batch last;
    try
    {
        last = entry->source->stream(cursor, sink);
        sink.write(last.records, last.rejects);
    }
    catch (const Poco::Exception& e)
    {
        std::cout << std::flush;
        std::cerr << "courierd: --preview-source " << entry->name
                  << ": the fetch failed: " << e.displayText() << std::endl;
        sources.shutdown();
        return Application::EXIT_UNAVAILABLE;
    }
    const std::size_t total = sink.assign + sink.skip + sink.rejected;
    if (preview.json)
    {
        Poco::JSON::Object summary(Poco::JSON_PRESERVE_KEY_ORDER);
        summary.set("kind", "summary");
        summary.set("assign", sink.assign);
        summary.set("skip", sink.skip);
        summary.set("rejected", sink.rejected);
        summary.set("shown", std::min(total, preview.limit));
        summary.set("cursor", last.cursor);
        summary.set("more", last.more);
        summary.stringify(std::cout);
        std::cout << std::endl;
    }
    else
        std::cout << (total > preview.limit ? "… " + std::to_string(total - preview.limit) +
                                                  " more not shown (--limit)\n"
                                            : std::string())
                  << "source " << entry->name << ": " << sink.assign << " to assign, " << sink.skip
                  << " skipped, " << sink.rejected << " rejected\nnext cursor: " << last.cursor
                  << "\nmore: " << (last.more ? "yes (the engine would fetch again at once)" : "no")
                  << "\n"
                  << "(nothing was stored and no cursor moved)" << std::endl;
    sources.shutdown();
    return Application::EXIT_OK;
}

} // namespace courierd::commands
