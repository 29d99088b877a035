// config_reference PLUGIN_DIR markdown|man: every configuration key courierd reads, from the
// tables that declare them (EngineConfig::schema(), a source section's engine keys, and each
// in-tree plugin's Source::settings()), as the key index of docs/configuration.md (markdown,
// which CTest configuration-reference compares with the checked-in page) or as the manual page
// courierd.ini(5) (man, built with the daemon and installed by the package).
#include "app/Reloader.h"
#include "config/EngineConfig.h"
#include "config/KeyText.h"
#include "config/Settings.h"
#include "sources/PluginHost.h"
#include "sources/SourceCatalog.h"

#include <Poco/Exception.h>

#include <iostream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace courierd;

namespace
{

// The in-tree plugins, in the order the page lists them.
const std::vector<std::string> PLUGINS = {"service-order", "http-json", "postgres-table",
                                          "generator"};

// `|` and newlines would break a table row.
std::string cell(std::string text)
{
    std::string out;
    for (const char c : text)
        out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
    return out;
}

// Roff: a leading dot or quote starts a request; backslashes escape; typographic characters
// become ASCII (groff and lintian want them so).
std::string roff(std::string text)
{
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{{"…", "..."},
                                                                                   {"–", "-"},
                                                                                   {"—", "-"},
                                                                                   {"≥", ">="},
                                                                                   {"≤", "<="},
                                                                                   {"→", "->"},
                                                                                   {"×", "x"},
                                                                                   {"−", "-"},
                                                                                   {"‘", "'"},
                                                                                   {"’", "'"},
                                                                                   {"“", "\""},
                                                                                   {"”", "\""}})
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at))
            text.replace(at, from.size(), to);
    std::string out;
    for (const char c : text)
        out += c == '\\' ? std::string("\\e") : c == '-' ? std::string("\\-") : std::string(1, c);
    if (!out.empty() && (out[0] == '.' || out[0] == '\''))
        out = "\\&" + out;
    return out;
}

struct Group
{
    std::string title;
    std::string section; // how the keys are written in a file
    std::vector<ConfigKey> keys;
    bool sourceKeys = false;
    std::string prefix; // before each key's name
};

std::vector<Group> groups(const std::string& pluginDir)
{
    std::vector<Group> out;
    out.push_back({"The engine", "[section] key", EngineConfig::schema(), false, ""});
    out.push_back({"Every source", "[source.NAME]", SourceCatalog::engineKeys("NAME"), true, ""});
    PluginHost host(pluginDir, false); // the build tree's own files
    for (const auto& plugin : PLUGINS)
    {
        Source& source = host.create(plugin);
        out.push_back({"Plugin " + plugin, "[source.NAME] with plugin = " + plugin,
                       source.settings(), true, "source.NAME."});
        host.destroy(source);
    }
    return out;
}

std::string whenApplied(const Group& group, const ConfigKey& key)
{
    if (group.sourceKeys)
        return "reload (restarts the source)";
    return Reloader::appliesLive(key.name) ? "reload" : "restart";
}

void markdown(const std::vector<Group>& all)
{
    for (const auto& group : all)
    {
        std::cout << "### " << group.title << "\n\n"
                  << "| key | type | default | range | applied by | meaning |\n"
                  << "|---|---|---|---|---|---|\n";
        for (const auto& key : group.keys)
            std::cout << "| `" << group.prefix << key.name << "` | " << typeName(key.type) << " | "
                      << (key.defaultValue.empty() ? "" : "`" + cell(key.defaultValue) + "`")
                      << " | " << rangeOf(key) << " | " << whenApplied(group, key) << " | "
                      << cell(key.help) << " |\n";
        std::cout << "\n";
    }
}

void man(const std::vector<Group>& all)
{
    std::cout << ".TH COURIERD.INI 5 \"\" \"courierd\" \"File Formats\"\n"
              << ".SH NAME\ncourierd.ini \\- the configuration of courierd(8)\n"
              << ".SH SYNOPSIS\n.I /etc/courierd/courierd.ini\n.br\n"
              << ".I /etc/courierd/conf.d/*.ini\n"
              << ".SH DESCRIPTION\n"
              << "An INI file (or .properties) of sections and keys: \\fB[store]\\fR holds "
                 "\\fBurl\\fR as \\fBstore.url\\fR. The drop-ins of \\fIconf.d/\\fR are read "
                 "after the main file, in name order; a key set in two files is an error naming "
                 "both. Every key can be overridden from the environment as COURIERD_ and the "
                 "key upper-cased with every other character as _ (\\fBstore.url\\fR: "
                 "COURIERD_STORE_URL), and by \\fB\\-\\-set\\fR \\fIkey=value\\fR, which beats "
                 "both. Durations are written 250ms, 5s, 10m, 1h, 1d. An unknown key or a bad "
                 "value stops courierd naming the file, the key and the value; "
                 "\\fBcourierd \\-\\-check\\-config\\fR checks a file without starting.\n"
              << ".PP\nEach key below shows its type, default, range, and whether a reload "
                 "(SIGHUP, \\fBsystemctl reload courierd\\fR) applies it or it needs a restart.\n";
    for (const auto& group : all)
    {
        std::cout << ".SH " << roff(group.title) << "\n" << roff(group.section) << "\n";
        for (const auto& key : group.keys)
        {
            std::cout << ".TP\n.B " << roff(group.prefix + key.name) << "\n"
                      << roff(key.help) << ". " << typeName(key.type);
            if (!key.defaultValue.empty())
                std::cout << ", default " << roff(key.defaultValue);
            if (const auto range = rangeOf(key, true); !range.empty())
                std::cout << ", " << roff(range);
            std::cout << "; " << roff(whenApplied(group, key)) << ".\n";
        }
    }
    std::cout << ".SH FILES\n.TP\n.I /etc/courierd/courierd.ini\nThe main file.\n.TP\n"
              << ".I /etc/courierd/conf.d/\nDrop-ins, in name order.\n"
              << ".SH SEE ALSO\n\\fBcourierd\\fR(8); "
                 "\\fI/usr/share/doc/courierd/docs/configuration.md\\fR, which explains each key "
                 "at length.\n";
}

} // namespace

int main(int argc, char** argv)
{
    const std::string format = argc == 3 ? argv[2] : "";
    if (format != "markdown" && format != "man")
    {
        std::cerr << "usage: config_reference PLUGIN_DIR markdown|man\n";
        return 64;
    }
    try
    {
        const auto all = groups(argv[1]);
        format == "markdown" ? markdown(all) : man(all);
        return 0;
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "config_reference: " << e.displayText() << "\n";
        return 1;
    }
}
