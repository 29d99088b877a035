#include "config/Settings.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "util/Exceptions.h"
#include "util/Names.h"
#include "util/RegularFile.h"

#include <Poco/Ascii.h>
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>

extern char** environ;

namespace courierd
{

const std::vector<std::string> Settings::PASSTHROUGH_SECTIONS = {"logging"};

namespace
{

const std::string ENV_PREFIX = "COURIERD_";
// A config file is text an operator wrote; anything larger is the wrong file.
constexpr std::size_t MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const std::string SOURCE_PREFIX = "source.";

// `store` for `store.url`; `source.NAME` for `source.NAME.key`.
std::string sectionOf(const std::string& key)
{
    if (key.compare(0, SOURCE_PREFIX.size(), SOURCE_PREFIX) == 0)
        return key.substr(0, key.find('.', SOURCE_PREFIX.size()));
    return key.substr(0, key.find('.'));
}

bool isPassthrough(const std::string& section)
{
    return std::find(Settings::PASSTHROUGH_SECTIONS.begin(), Settings::PASSTHROUGH_SECTIONS.end(),
                     section) != Settings::PASSTHROUGH_SECTIONS.end();
}

// Every key an INI text sets, in the order of their first line, by the rules of POCO's
// IniFileConfiguration (which reads the values). POCO can list keys only by walking the tree
// one level at a time, each step a scan of every key: found by fuzzing, a key of 100,000
// segments overflowed the stack, and many keys cost a time quadratic in their number.
// The keys of an INI text in order, once each; a key given twice (POCO would keep the last
// silently) goes to `twice` as "key (lines A and B)".
std::vector<std::string> iniKeys(const std::string& text, std::vector<std::string>& twice)
{
    std::vector<std::string> keys;
    std::map<std::string, std::size_t> seen; // lower-cased (POCO's INI keys ignore case): line
    // The line of `offset`, counted on from the last one asked (offsets only grow): linear in
    // the text, however many keys it holds.
    std::size_t counted = 0, lines = 1;
    const auto lineAt = [&](std::size_t offset)
    {
        lines +=
            static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(counted),
                                                text.begin() + static_cast<long>(offset), '\n'));
        counted = offset;
        return lines;
    };
    std::string section;
    std::size_t at = 0;
    const auto skipSpace = [&]
    {
        while (at < text.size() && Poco::Ascii::isSpace(text[at]))
            ++at;
    };
    const auto until = [&](const char* stops)
    {
        const std::size_t end = std::min(text.find_first_of(stops, at), text.size());
        std::string part = text.substr(at, end - at);
        at = end;
        return part;
    };
    for (skipSpace(); at < text.size(); skipSpace())
    {
        if (text[at] == ';')
            until("\n");
        else if (text[at] == '[')
        {
            ++at;
            section = Poco::trim(until("]\n"));
            if (at < text.size() && text[at] == ']')
                ++at; // POCO reads what follows on the line as a line of its own
        }
        else
        {
            const std::size_t line = lineAt(at);
            std::string key = Poco::trim(until("=\n"));
            if (at < text.size() && text[at] == '=')
                until("\n");
            key = section.empty() ? key : section + "." + key;
            if (const auto [it, added] = seen.emplace(Poco::toLower(key), line); added)
                keys.push_back(std::move(key));
            else
                twice.push_back(clipped(key, 120) + " (lines " + std::to_string(it->second) +
                                " and " + std::to_string(line) + ")");
        }
    }
    return keys;
}

// The keys a .properties text sets more than once (POCO keeps the last silently), as
// "key (lines A and B)": a key is what a line holds before its first '=', ':' or blank, a line
// ending in '\\' goes on on the next.
std::vector<std::string> propertiesSetTwice(const std::string& text)
{
    std::vector<std::string> twice;
    std::map<std::string, std::size_t> seen;
    std::istringstream lines(text);
    bool continued = false;
    std::size_t number = 0;
    for (std::string line; std::getline(lines, line);)
    {
        ++number;
        const bool wasContinued = continued;
        continued = !line.empty() && line.back() == '\\';
        const std::string trimmed = Poco::trimLeft(line);
        if (wasContinued || trimmed.empty() || trimmed[0] == '#' || trimmed[0] == '!')
            continue;
        const std::string key = trimmed.substr(0, trimmed.find_first_of("=: \t"));
        if (const auto [it, added] = seen.emplace(key, number); !added)
            twice.push_back(clipped(key, 120) + " (lines " + std::to_string(it->second) + " and " +
                            std::to_string(number) + ")");
    }
    return twice;
}

// Nothing but white space and comment lines (`;` in INI, `#` and `!` in .properties).
bool isBlank(const std::string& text)
{
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
    {
        const std::string trimmed = Poco::trim(line);
        if (!trimmed.empty() && trimmed[0] != ';' && trimmed[0] != '#' && trimmed[0] != '!')
            return false;
    }
    return true;
}

// A .properties file is a MapConfiguration underneath: its keys can be listed in one pass.
class ListedProperties : public Poco::Util::PropertyFileConfiguration
{
public:
    using MapConfiguration::begin;
    using MapConfiguration::end;
    using PropertyFileConfiguration::PropertyFileConfiguration;
};

// `a or b`, `a, b or c`.
std::string oneOf(const std::vector<std::string>& values)
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
    return out;
}

// What one item of a list key is called: `status` in `statuses`, `host` in `allowed_hosts`.
std::string itemNoun(const std::string& key)
{
    std::string last = key.substr(key.rfind('.') + 1);
    last = last.substr(last.rfind('_') + 1);
    if (last.size() > 3 && last.compare(last.size() - 3, 3, "ses") == 0)
        return last.substr(0, last.size() - 2);
    if (last.size() > 1 && last.back() == 's')
        return last.substr(0, last.size() - 1);
    return "item";
}

// A secret file is a password, a token or a key; anything larger is the wrong file.
constexpr std::size_t MAX_SECRET_BYTES = 64 * 1024;

} // namespace

const char* typeName(ConfigType type)
{
    switch (type)
    {
    case ConfigType::String:
        return "string";
    case ConfigType::Integer:
        return "integer";
    case ConfigType::Duration:
        return "duration";
    case ConfigType::Boolean:
        return "boolean";
    case ConfigType::Time:
        return "time";
    case ConfigType::Enumeration:
        return "enumeration";
    case ConfigType::List:
        return "list";
    case ConfigType::Secret:
        return "secret";
    }
    return "";
}

std::vector<std::string> listItems(const std::string& text)
{
    const Poco::StringTokenizer items(
        text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    return {items.begin(), items.end()};
}

std::string environmentName(const std::string& key)
{
    std::string name = ENV_PREFIX;
    for (unsigned char c : key)
        name += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
    return name;
}

Settings::Environment Settings::currentEnvironment()
{
    Environment env;
    for (char** entry = environ; entry && *entry; ++entry)
    {
        const std::string text = *entry;
        const auto eq = text.find('=');
        if (eq != std::string::npos && text.compare(0, ENV_PREFIX.size(), ENV_PREFIX) == 0)
            env[text.substr(0, eq)] = text.substr(eq + 1);
    }
    return env;
}

Settings Settings::read(const std::string& path, const Environment& environment,
                        const Overrides& overrides)
{
    Settings settings;
    settings._path = path;
    settings._environment = environment;
    settings._overrides = overrides;
    if (path.empty())
        return settings;

    settings._file = readFile(path, settings._fileValues, settings._conflicts);
    // Then the drop-ins: conf.d beside the main file, or config.include_dir, in name order.
    std::string includeDir = (Poco::Path(path).parent().toString()) + "conf.d";
    for (const auto& value : settings._fileValues)
        if (value.key == "config.include_dir" && !value.text.empty())
            includeDir = Poco::Path(Poco::Path(path).parent()).resolve(value.text).toString();
    const Poco::File dir(includeDir);
    if (!dir.exists() || !dir.isDirectory())
        return settings;
    std::vector<std::string> names;
    dir.list(names);
    std::sort(names.begin(), names.end());
    std::map<std::string, std::string> setBy;
    for (const auto& value : settings._fileValues)
        setBy[value.key] = value.origin;
    for (const auto& name : names)
    {
        const std::string extension = Poco::toLower(Poco::Path(name).getExtension());
        if (extension != "ini" && extension != "properties")
            continue;
        std::vector<FileValue> values;
        readFile(Poco::Path(includeDir).append(name).toString(), values, settings._conflicts);
        for (auto& value : values)
        {
            if (const auto [it, added] = setBy.emplace(value.key, value.origin); !added)
            {
                settings._conflicts.push_back(value.origin + ": " + clipped(value.key, 120) +
                                              " is set here and in " + it->second +
                                              "; set each key in one file");
                continue;
            }
            settings._fileValues.push_back(std::move(value));
        }
    }
    return settings;
}

Poco::AutoPtr<Poco::Util::AbstractConfiguration>
Settings::readFile(const std::string& path, std::vector<FileValue>& values,
                   std::vector<std::string>& conflicts)
{
    // Read here, bounded, from a regular file only: POCO's readers loop forever on a
    // directory and never end on /dev/zero.
    const std::string content = readRegularFile(path, MAX_CONFIG_BYTES);
    // A file without a single key is a file cut short or the wrong file, never a choice: all
    // defaults need no file at all.
    if (isBlank(content))
        throw ConfigException(path + ": the file is empty (no keys, only blank lines or "
                                     "comments); it was cut short, or is the wrong file. To run "
                                     "on defaults and the environment, give no --config");
    std::istringstream text(content);
    std::vector<std::string> leaves;
    Poco::AutoPtr<Poco::Util::AbstractConfiguration> file;
    try
    {
        if (Poco::icompare(Poco::Path(path).getExtension(), "properties") == 0)
        {
            for (const auto& key : propertiesSetTwice(content))
                conflicts.push_back(path + ": " + key +
                                    " is set twice in this file; set each key once");
            Poco::AutoPtr<ListedProperties> properties = new ListedProperties(text);
            for (const auto& [key, value] : *properties)
                leaves.push_back(key);
            file = properties;
        }
        else
        {
            file = new Poco::Util::IniFileConfiguration(text);
            std::vector<std::string> twice;
            leaves = iniKeys(content, twice);
            for (const auto& key : twice)
                conflicts.push_back(path + ": " + key +
                                    " is set twice in this file; set each key once");
        }
    }
    catch (const Poco::Exception& e)
    {
        throw ConfigException(path + ": cannot read: " + e.displayText());
    }
    for (const auto& leaf : leaves)
    {
        const std::string key = Poco::toLower(leaf);
        if (!isPassthrough(sectionOf(key)))
            values.push_back({key, Poco::trim(file->getRawString(leaf)), path});
    }
    return file;
}

Settings Settings::load(const std::string& path, const std::vector<ConfigKey>& schema,
                        const Environment& environment, const Overrides& overrides)
{
    Settings settings = read(path, environment, overrides);
    settings.declare(schema);
    settings.check();
    return settings;
}

namespace
{

// Whether `key` is one of `family`'s (one `*`), and how long the family's literal part is.
std::size_t familyMatch(const std::string& family, const std::string& key)
{
    const auto star = family.find('*');
    const std::string_view prefix(family.data(), star), suffix(family.data() + star + 1);
    if (key.size() <= prefix.size() + suffix.size() || !key.starts_with(prefix) ||
        !key.ends_with(suffix))
        return 0;
    return prefix.size() + suffix.size();
}

} // namespace

void Settings::declare(const std::vector<ConfigKey>& declared)
{
    // Families first become the keys of theirs that are set (file, --set), each the longest
    // pattern's; names declared alone are never a family's.
    std::vector<ConfigKey> keys;
    std::vector<const ConfigKey*> families;
    for (const auto& key : declared)
        if (key.name.find('*') != std::string::npos)
        {
            families.push_back(&key);
            _families[key.name];
        }
        else
            keys.push_back(key);
    if (!families.empty())
    {
        std::set<std::string> candidates;
        for (const auto& file : _fileValues)
            candidates.insert(file.key);
        for (const auto& [name, text] : _overrides)
            candidates.insert(name);
        for (const auto& candidate : candidates)
        {
            if (std::any_of(keys.begin(), keys.end(),
                            [&](const ConfigKey& key) { return key.name == candidate; }))
                continue;
            const ConfigKey* best = nullptr;
            std::size_t bestLength = 0;
            for (const ConfigKey* family : families)
                if (const std::size_t length = familyMatch(family->name, candidate);
                    length > bestLength)
                {
                    best = family;
                    bestLength = length;
                }
            if (!best)
                continue;
            ConfigKey key = *best;
            key.name = candidate;
            key.defaultValue.clear();
            keys.push_back(std::move(key));
            _families[best->name].push_back(candidate);
        }
    }
    for (const auto& key : keys)
    {
        _schema.push_back(key);
        Value value{key.defaultValue, "default"};
        for (const auto& file : _fileValues)
            if (file.key == key.name)
                value = {file.text, file.origin};
        const std::string env = environmentName(key.name);
        if (auto it = _environment.find(env); it != _environment.end())
            value = {it->second, "environment " + env};
        for (const auto& [name, text] : _overrides)
            if (name == key.name)
                value = {text, "--set"};
        _values[key.name] = value;
    }
}

std::vector<std::string> Settings::sourceNames() const
{
    std::set<std::string> names;
    const auto collect = [&](const std::string& key)
    {
        const std::string section = sectionOf(key);
        if (section.size() > SOURCE_PREFIX.size() &&
            section.compare(0, SOURCE_PREFIX.size(), SOURCE_PREFIX) == 0)
            names.insert(section.substr(SOURCE_PREFIX.size()));
    };
    for (const auto& value : _fileValues)
        collect(value.key);
    for (const auto& [key, text] : _overrides)
        collect(key);
    return {names.begin(), names.end()};
}

void Settings::check()
{
    _problems.clear();
    _warnings.clear();

    std::set<std::string> sections;
    for (const auto& key : _schema)
        sections.insert(sectionOf(key.name));
    const auto knownKeys = [&](const std::string& section)
    {
        std::set<std::string> known;
        for (const auto& key : _schema)
            if (sectionOf(key.name) == section)
                known.insert(key.name.substr(section.size() + 1));
        for (const auto& [family, keys] : _families)
            if (sectionOf(family) == section)
                known.insert(family.substr(section.size() + 1));
        return known;
    };

    std::set<std::string> reported;
    _problems = _conflicts;
    for (const auto& file : _fileValues)
    {
        const std::string& key = file.key;
        const std::string section = sectionOf(key);
        if (!sections.count(section))
        {
            if (reported.insert(file.origin + "\n" + section).second)
            {
                std::set<std::string> known = sections;
                known.insert(PASSTHROUGH_SECTIONS.begin(), PASSTHROUGH_SECTIONS.end());
                _problems.push_back(file.origin + ": unknown section [" + clipped(section, 80) +
                                    "] (known sections: " + joined(known) + ")");
            }
        }
        else if (key.size() <= section.size()) // found by fuzzing: `[source]` `orders = 1`
            _problems.push_back(file.origin + ": '" + clipped(key, 80) + "' names the section [" +
                                clipped(section, 80) + "], not a key in it");
        else if (!_values.count(key) && !_ownerMissing.count(section))
            _problems.push_back(file.origin + ": unknown key '" +
                                clipped(key.substr(section.size() + 1), 80) + "' in section [" +
                                section + "] (known keys: " + joined(knownKeys(section)) + ")");
    }

    for (const auto& [key, text] : _overrides)
    {
        const std::string section = sectionOf(key);
        if (_values.count(key) || _ownerMissing.count(section))
            continue;
        // Named as the same key in a file would be: with the keys its section knows.
        std::string problem = "--set: unknown key '" + clipped(key, 80) + "'";
        if (sections.count(section))
            problem += " (known keys in [" + section + "]: " + joined(knownKeys(section)) + ")";
        else
        {
            std::set<std::string> known = sections;
            known.insert(PASSTHROUGH_SECTIONS.begin(), PASSTHROUGH_SECTIONS.end());
            problem += " (known sections: " + joined(known) + ")";
        }
        _problems.push_back(problem);
    }

    std::set<std::string> envNames;
    for (const auto& key : _schema)
        envNames.insert(environmentName(key.name));
    for (const auto& [name, value] : _environment)
        if (name.compare(0, ENV_PREFIX.size(), ENV_PREFIX) == 0 && !envNames.count(name))
        {
            const std::string near =
                nearestName(name, std::vector<std::string>(envNames.begin(), envNames.end()));
            _warnings.push_back("environment " + clipped(name, 80) +
                                " matches no configuration key; ignored" +
                                (near.empty() ? std::string() : " (did you mean " + near + "?)"));
        }

    for (const auto& key : _schema)
        validate(key);
}

void Settings::addCauses(const std::vector<std::string>& causes)
{
    _problems.insert(_problems.begin(), causes.begin(), causes.end());
}

void Settings::validate(const ConfigKey& key)
{
    const auto fail = [&](const std::string& why)
    { _problems.push_back(describe(key.name) + ": " + why); };
    const std::string& text = _values.at(key.name).text;

    switch (key.type)
    {
    case ConfigType::String:
        break;
    case ConfigType::Integer:
    {
        Poco::Int64 number = 0;
        if (!Poco::NumberParser::tryParse64(text, number))
            fail("not a whole number");
        else if (number < key.minimum || number > key.maximum)
            fail("must be between " + std::to_string(key.minimum) + " and " +
                 std::to_string(key.maximum));
        break;
    }
    case ConfigType::Duration:
    {
        const auto duration = parseDuration(text);
        if (!duration)
            fail("not a duration; write it as 250ms, 5s, 10m or 1h");
        else if (duration->count() < key.minimum || duration->count() > key.maximum)
            fail("must be between " + formatDuration(Duration(key.minimum)) + " and " +
                 formatDuration(Duration(key.maximum)));
        break;
    }
    case ConfigType::Boolean:
        if (text != "true" && text != "false")
            fail("expected true or false");
        break;
    case ConfigType::Time:
        if (!parseRfc3339(text))
            fail("not an RFC3339 time like 2026-11-24T10:15:30Z");
        break;
    case ConfigType::Enumeration:
        if (std::find(key.values.begin(), key.values.end(), text) == key.values.end())
            fail("must be " + oneOf(key.values));
        break;
    case ConfigType::List:
        if (!key.values.empty())
            for (const auto& item : listItems(text))
                if (std::find(key.values.begin(), key.values.end(), item) == key.values.end())
                {
                    fail("unknown " + itemNoun(key.name) + " '" + clipped(item, 80) +
                         "' (known: " + joined(key.values) + ")");
                    break;
                }
        break;
    case ConfigType::Secret:
        if (const std::string problem = readSecret(key); !problem.empty())
            fail(problem);
        break;
    }
}

std::string Settings::readSecret(const ConfigKey& key)
{
    Value& value = _values.at(key.name);
    value.secret.clear();
    std::string path = value.text;
    if (path.empty())
        return {};
    if (path.front() != '/')
    {
        const std::string credentials = Poco::Environment::get("CREDENTIALS_DIRECTORY", "");
        if (credentials.empty())
            return "a relative path is looked up in $CREDENTIALS_DIRECTORY (systemd's "
                   "LoadCredential=), which is not set";
        path = credentials + "/" + path;
    }
    std::string secret;
    try
    {
        secret = readRegularFile(path, MAX_SECRET_BYTES);
    }
    catch (const Poco::Exception& e)
    {
        return e.message(); // names the path, never what the file holds
    }
    struct stat status
    {
    };
    if (::stat(path.c_str(), &status) == 0 && (status.st_mode & S_IROTH))
    {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        _warnings.push_back(describe(key.name) + ": " + path + " can be read by every user (mode " +
                            mode + "); make it readable by root and courierd only (chmod o-r)");
    }
    if (!secret.empty() && secret.back() == '\n')
        secret.pop_back();
    if (!secret.empty() && secret.back() == '\r')
        secret.pop_back();
    if (secret.empty())
        return path + " is empty";
    value.secret = std::move(secret);
    return {};
}

void Settings::throwIfInvalid() const
{
    if (_problems.empty())
        return;
    std::string message;
    for (const auto& problem : _problems)
        message += (message.empty() ? "" : "\n") + problem;
    throw ConfigException(message);
}

const ConfigKey& Settings::declared(const std::string& key) const
{
    for (const auto& entry : _schema)
        if (entry.name == key)
            return entry;
    throw Poco::NotFoundException("configuration key not declared", key);
}

std::map<std::string, std::string> Settings::valuesUnder(const std::string& prefix) const
{
    std::map<std::string, std::string> values;
    for (auto it = _values.lower_bound(prefix);
         it != _values.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
        values.emplace(it->first, it->second.text);
    return values;
}

const ConfigKey& Settings::declared(const std::string& key, ConfigType type) const
{
    const ConfigKey& entry = declared(key);
    if (entry.type != type)
        throw Poco::BadCastException(
            std::string("configuration key is not of type ") + typeName(type), key);
    return entry;
}

std::string Settings::getString(const std::string& key) const
{
    // An enumeration is read by its name; a secret's key holds the file's name.
    declared(key);
    return _values.at(key).text;
}

std::int64_t Settings::getInt(const std::string& key) const
{
    declared(key, ConfigType::Integer);
    Poco::Int64 number = 0;
    if (!Poco::NumberParser::tryParse64(_values.at(key).text, number))
        throw ConfigException(describe(key) + ": not a whole number");
    return number;
}

Duration Settings::getDuration(const std::string& key) const
{
    declared(key, ConfigType::Duration);
    const auto duration = parseDuration(_values.at(key).text);
    if (!duration)
        throw ConfigException(describe(key) + ": not a duration");
    return *duration;
}

bool Settings::getBool(const std::string& key) const
{
    declared(key, ConfigType::Boolean);
    // Strict even before check(): plugins.strict_permissions is read before it.
    const std::string& text = _values.at(key).text;
    if (text != "true" && text != "false")
        throw ConfigException(describe(key) + ": expected true or false");
    return text == "true";
}

Poco::Timestamp Settings::getTime(const std::string& key) const
{
    declared(key, ConfigType::Time);
    const auto time = parseRfc3339(_values.at(key).text);
    if (!time)
        throw ConfigException(describe(key) + ": not an RFC3339 time");
    return *time;
}

std::vector<std::string> Settings::keysOf(const std::string& family) const
{
    const auto it = _families.find(family);
    if (it == _families.end())
        throw Poco::NotFoundException("configuration key family not declared", family);
    std::vector<std::string> keys = it->second;
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::vector<std::string> Settings::getList(const std::string& key) const
{
    declared(key, ConfigType::List);
    return listItems(_values.at(key).text);
}

std::string Settings::getSecret(const std::string& key) const
{
    declared(key, ConfigType::Secret);
    return _values.at(key).secret;
}

std::string Settings::origin(const std::string& key) const
{
    declared(key);
    return _values.at(key).origin;
}

std::string Settings::describe(const std::string& key) const
{
    declared(key);
    const Value& value = _values.at(key);
    // Bounded: a message quotes at most a line of what an operator (or a stray file) wrote.
    return value.origin + ": " + clipped(key, 120) + " = '" + clipped(value.text, 200) + "'";
}

} // namespace courierd
