#include "Settings.h"

#include "Exceptions.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <set>

extern char** environ;

namespace courierd
{

const std::vector<std::string> Settings::PASSTHROUGH_SECTIONS = {"logging"};

namespace
{

const std::string ENV_PREFIX = "COURIERD_";

std::string sectionOf(const std::string& key)
{
    return key.substr(0, key.find('.'));
}

// Every key of `config` below `root` that holds a value.
void collectLeaves(const Poco::Util::AbstractConfiguration& config, const std::string& root,
                   std::vector<std::string>& out)
{
    Poco::Util::AbstractConfiguration::Keys children;
    config.keys(root, children);
    for (const auto& child : children)
    {
        const std::string key = root.empty() ? child : root + "." + child;
        if (config.hasOption(key))
            out.push_back(key);
        collectLeaves(config, key, out);
    }
}

std::string joined(const std::set<std::string>& names)
{
    std::string out;
    for (const auto& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

} // namespace

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

Settings Settings::load(const std::string& path, std::vector<ConfigKey> schema,
                        const Environment& environment, const Overrides& overrides)
{
    Settings settings;
    settings._path = path;
    settings._schema = std::move(schema);

    std::set<std::string> sections;
    for (const auto& key : settings._schema)
    {
        settings._values[key.name] = {key.defaultValue, "default"};
        sections.insert(sectionOf(key.name));
    }

    if (!path.empty())
    {
        if (!Poco::File(path).exists())
            throw ConfigException(path + ": no such file");
        try
        {
            if (Poco::icompare(Poco::Path(path).getExtension(), "properties") == 0)
                settings._file = new Poco::Util::PropertyFileConfiguration(path);
            else
                settings._file = new Poco::Util::IniFileConfiguration(path);
        }
        catch (const Poco::Exception& e)
        {
            throw ConfigException(path + ": cannot read: " + e.displayText());
        }

        std::vector<std::string> leaves;
        collectLeaves(*settings._file, "", leaves);
        std::set<std::string> reported;
        for (const auto& leaf : leaves)
        {
            const std::string key = Poco::toLower(leaf);
            const std::string section = sectionOf(key);
            const bool passthrough =
                std::find(PASSTHROUGH_SECTIONS.begin(), PASSTHROUGH_SECTIONS.end(), section) !=
                PASSTHROUGH_SECTIONS.end();
            if (passthrough)
                continue;
            if (!sections.count(section))
            {
                if (reported.insert(section).second)
                {
                    std::set<std::string> known = sections;
                    known.insert(PASSTHROUGH_SECTIONS.begin(), PASSTHROUGH_SECTIONS.end());
                    settings._problems.push_back(path + ": unknown section [" + section +
                                                 "] (known sections: " + joined(known) + ")");
                }
                continue;
            }
            if (!settings._values.count(key))
            {
                std::set<std::string> known;
                for (const auto& declared : settings._schema)
                    if (sectionOf(declared.name) == section)
                        known.insert(declared.name.substr(section.size() + 1));
                settings._problems.push_back(path + ": unknown key '" +
                                             key.substr(section.size() + 1) + "' in section [" +
                                             section + "] (known keys: " + joined(known) + ")");
                continue;
            }
            settings.set(key, Poco::trim(settings._file->getRawString(leaf)), path);
        }
    }

    std::set<std::string> envNames;
    for (const auto& key : settings._schema)
    {
        const std::string name = environmentName(key.name);
        envNames.insert(name);
        if (auto it = environment.find(name); it != environment.end())
            settings.set(key.name, it->second, "environment " + name);
    }
    for (const auto& [name, value] : environment)
        if (name.compare(0, ENV_PREFIX.size(), ENV_PREFIX) == 0 && !envNames.count(name))
            settings._warnings.push_back("environment " + name +
                                         " matches no configuration key; ignored");

    for (const auto& [key, value] : overrides)
    {
        if (!settings._values.count(key))
            settings._problems.push_back("--set: unknown key '" + key + "'");
        else
            settings.set(key, value, "--set");
    }

    for (const auto& key : settings._schema)
        settings.validate(key);
    return settings;
}

void Settings::set(const std::string& key, const std::string& text, const std::string& origin)
{
    _values[key] = {text, origin};
}

void Settings::validate(const ConfigKey& key)
{
    const Value& value = _values.at(key.name);
    const auto fail = [&](const std::string& why)
    { _problems.push_back(value.origin + ": " + key.name + " = '" + value.text + "': " + why); };

    switch (key.type)
    {
    case ConfigType::String:
        break;
    case ConfigType::Integer:
    {
        Poco::Int64 number = 0;
        if (!Poco::NumberParser::tryParse64(value.text, number))
            fail("not a whole number");
        else if (number < key.minimum || number > key.maximum)
            fail("must be between " + std::to_string(key.minimum) + " and " +
                 std::to_string(key.maximum));
        break;
    }
    case ConfigType::Duration:
    {
        const auto duration = parseDuration(value.text);
        if (!duration)
            fail("not a duration; write it as 250ms, 5s, 10m or 1h");
        else if (duration->count() < key.minimum || duration->count() > key.maximum)
            fail("must be between " + formatDuration(Duration(key.minimum)) + " and " +
                 formatDuration(Duration(key.maximum)));
        break;
    }
    }
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

std::string Settings::getString(const std::string& key) const
{
    declared(key);
    return _values.at(key).text;
}

std::int64_t Settings::getInt(const std::string& key) const
{
    if (declared(key).type != ConfigType::Integer)
        throw Poco::BadCastException("configuration key is not an integer", key);
    return Poco::NumberParser::parse64(_values.at(key).text);
}

Duration Settings::getDuration(const std::string& key) const
{
    if (declared(key).type != ConfigType::Duration)
        throw Poco::BadCastException("configuration key is not a duration", key);
    const auto duration = parseDuration(_values.at(key).text);
    if (!duration)
        throw ConfigException(origin(key) + ": " + key + " is not a duration");
    return *duration;
}

std::string Settings::origin(const std::string& key) const
{
    declared(key);
    return _values.at(key).origin;
}

} // namespace courierd
