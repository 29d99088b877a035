#pragma once

#include "courierd/ConfigKey.h"
#include "courierd/ConfigValues.h"
#include "courierd/Duration.h"

#include <Poco/Timestamp.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace courierd
{

namespace config_map_detail
{

template <class Config, class Type> Type& at(Config& config, Type Config::*member)
{
    return config.*member;
}

template <class Config, class Access>
using MemberType =
    std::remove_reference_t<decltype(at(std::declval<Config&>(), std::declval<const Access&>()))>;

} // namespace config_map_detail

/// Every configuration key of one component, each bound to the member of its struct that holds
/// the value, declared once: the key's name, type, default, limits and help, and where it goes.
/// keys() is what the component declares (Source::settings() of a plugin); fill() sets every
/// member from values the host has already parsed and checked against those keys, so that a
/// component never parses a value itself. As Fluent Bit's `flb_config_map`, with pointers to
/// members in place of `offsetof`.
///
/// ```
/// struct Settings { std::string baseUrl; Duration timeout; bool verbose = false; };
/// const courierd::ConfigMap<Settings>& map()
/// {
///     static const auto keys = courierd::ConfigMap<Settings>()
///         .string("base_url", &Settings::baseUrl, "http://localhost:8080", "the service")
///         .duration("timeout", &Settings::timeout, "3s", "one attempt",
///                   std::chrono::milliseconds(100), std::chrono::minutes(5))
///         .boolean("verbose", &Settings::verbose, "false", "log every request");
///     return keys;
/// }
/// ```
///
/// Building a map throws std::invalid_argument for a binding that cannot hold its values (an
/// integer range wider than its member, a secret key not named `…_file`): a bug that the
/// plugin's first load shows. A built map is immutable and may be used from any thread.
template <class Config> class ConfigMap
{
public:
    /// Any text.
    template <class Access>
    ConfigMap& string(std::string name, Access member, std::string defaultValue, std::string help)
    {
        return bind<Access>(
            {std::move(name), ConfigType::String, std::move(defaultValue), std::move(help)}, member,
            [](const ConfigValues& values, const std::string& key)
            { return values.getString(key); });
    }

    /// A whole number within [minimum, maximum], into any integral member that holds them.
    template <class Access>
    ConfigMap& integer(std::string name, Access member, std::string defaultValue, std::string help,
                       std::int64_t minimum, std::int64_t maximum)
    {
        using Type = config_map_detail::MemberType<Config, Access>;
        static_assert(std::is_integral_v<Type> && !std::is_same_v<Type, bool>,
                      "integer() binds an integral member");
        if (std::cmp_less(minimum, std::numeric_limits<Type>::lowest()) ||
            std::cmp_greater(maximum, std::numeric_limits<Type>::max()))
            throw std::invalid_argument("configuration key " + name +
                                        ": its range does not fit its member");
        return bind<Access>({std::move(name), ConfigType::Integer, std::move(defaultValue),
                             std::move(help), minimum, maximum},
                            member,
                            [](const ConfigValues& values, const std::string& key)
                            { return static_cast<Type>(values.getInt(key)); });
    }

    /// A duration within [minimum, maximum].
    template <class Access>
    ConfigMap& duration(std::string name, Access member, std::string defaultValue, std::string help,
                        Duration minimum, Duration maximum)
    {
        return bind<Access>({std::move(name), ConfigType::Duration, std::move(defaultValue),
                             std::move(help), minimum.count(), maximum.count()},
                            member,
                            [](const ConfigValues& values, const std::string& key)
                            { return values.getDuration(key); });
    }

    /// `true` or `false`.
    template <class Access>
    ConfigMap& boolean(std::string name, Access member, std::string defaultValue, std::string help)
    {
        return bind<Access>(
            {std::move(name), ConfigType::Boolean, std::move(defaultValue), std::move(help)},
            member,
            [](const ConfigValues& values, const std::string& key) { return values.getBool(key); });
    }

    /// An RFC3339 time, into a Poco::Timestamp.
    template <class Access>
    ConfigMap& time(std::string name, Access member, std::string defaultValue, std::string help)
    {
        return bind<Access>(
            {std::move(name), ConfigType::Time, std::move(defaultValue), std::move(help)}, member,
            [](const ConfigValues& values, const std::string& key) { return values.getTime(key); });
    }

    /// One of the names in `choices`, each standing for a value of the member (an enum).
    template <class Access>
    ConfigMap& enumeration(
        std::string name, Access member, std::string defaultValue, std::string help,
        std::vector<std::pair<std::string, config_map_detail::MemberType<Config, Access>>> choices)
    {
        ConfigKey key{std::move(name), ConfigType::Enumeration, std::move(defaultValue),
                      std::move(help)};
        for (const auto& choice : choices)
            key.values.push_back(choice.first);
        return bind<Access>(std::move(key), member,
                            [choices](const ConfigValues& values, const std::string& key)
                            {
                                const std::string text = values.getString(key);
                                for (const auto& [choiceName, value] : choices)
                                    if (choiceName == text)
                                        return value;
                                throw std::logic_error(key + ": the host let '" + text +
                                                       "' through");
                            });
    }

    /// Comma-separated items, each one of `allowed` unless it is empty, into a container of
    /// strings (`std::vector`, `std::set`) in the order written.
    template <class Access>
    ConfigMap& list(std::string name, Access member, std::string defaultValue, std::string help,
                    std::vector<std::string> allowed = {})
    {
        using Type = config_map_detail::MemberType<Config, Access>;
        return bind<Access>({std::move(name), ConfigType::List, std::move(defaultValue),
                             std::move(help), 0, std::numeric_limits<std::int64_t>::max(),
                             std::move(allowed)},
                            member,
                            [](const ConfigValues& values, const std::string& key)
                            {
                                const auto items = values.getList(key);
                                return Type(items.begin(), items.end());
                            });
    }

    /// What the file named by `name` (which ends in `_file`) holds; empty when it is unset. The
    /// key has no default: a secret never sits in a table.
    template <class Access> ConfigMap& secret(std::string name, Access member, std::string help)
    {
        const std::string suffix = "_file";
        if (name.size() <= suffix.size() ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            throw std::invalid_argument("configuration key " + name +
                                        ": a secret's key names its file: NAME_file");
        return bind<Access>({std::move(name), ConfigType::Secret, "", std::move(help)}, member,
                            [](const ConfigValues& values, const std::string& key)
                            { return values.getSecret(key); });
    }

    /// A family of text keys (`query.*`: ConfigKey), into a map from the part `*` stands for
    /// to the value: `query.status = created` gives {"status", "created"}. With `secret`, the
    /// family names files (`headers.*_file`) and the map holds what they hold (never log it).
    template <class Access>
    ConfigMap& family(std::string name, Access member, std::string help, bool secret = false)
    {
        const auto star = name.find('*');
        if (star == std::string::npos || name.find('*', star + 1) != std::string::npos ||
            (secret && !name.ends_with("*_file")))
            throw std::invalid_argument("configuration key family " + name +
                                        ": one '*', and a secret family ends '*_file'");
        using Type = config_map_detail::MemberType<Config, Access>;
        const std::size_t prefix = star, suffix = name.size() - star - 1;
        return bind<Access>(
            {std::move(name), secret ? ConfigType::Secret : ConfigType::String, "",
             std::move(help)},
            member,
            [prefix, suffix, secret](const ConfigValues& values, const std::string& family)
            {
                Type out;
                const std::size_t within = family.size() - (prefix + suffix + 1);
                for (const auto& key : values.keysOf(family))
                    out.emplace(key.substr(within + prefix, key.size() - within - prefix - suffix),
                                secret ? values.getSecret(key) : values.getString(key));
                return out;
            });
    }

    /// Binds every key of `part`, the map of the struct at `member`, through `member`: one
    /// map a section, composed into the map of the whole.
    template <class Access, class Part>
    ConfigMap& include(Access member, const ConfigMap<Part>& part)
    {
        for (const auto& binding : part._bindings)
            bind(binding.key,
                 [member, set = binding.set](Config& config, const ConfigValues& values,
                                             const std::string& name)
                 { set(config_map_detail::at(config, member), values, name); });
        return *this;
    }

    /// The keys, in the order bound, each name after `prefix`.
    std::vector<ConfigKey> keys(const std::string& prefix = "") const
    {
        std::vector<ConfigKey> out;
        for (const auto& binding : _bindings)
        {
            out.push_back(binding.key);
            out.back().name = prefix + out.back().name;
        }
        return out;
    }

    /// Sets every bound member of `config` from `values`, reading each key as `prefix` + name.
    /// Throws what `values` throws: only for a key not declared as keys() made it (a bug).
    void fill(Config& config, const ConfigValues& values, const std::string& prefix = "") const
    {
        for (const auto& binding : _bindings)
            binding.set(config, values, prefix + binding.key.name);
    }

    /// A value-initialized Config, filled.
    Config read(const ConfigValues& values, const std::string& prefix = "") const
    {
        Config config{};
        fill(config, values, prefix);
        return config;
    }

private:
    template <class> friend class ConfigMap;

    struct Binding
    {
        ConfigKey key;
        std::function<void(Config&, const ConfigValues&, const std::string&)> set;
    };

    using Set = std::function<void(Config&, const ConfigValues&, const std::string&)>;

    template <class Access, class Get> ConfigMap& bind(ConfigKey key, Access member, Get get)
    {
        return bind(std::move(key), [member, get](Config& config, const ConfigValues& values,
                                                  const std::string& name)
                    { config_map_detail::at(config, member) = get(values, name); });
    }

    ConfigMap& bind(ConfigKey key, Set set)
    {
        for (const auto& binding : _bindings)
            if (binding.key.name == key.name)
                throw std::invalid_argument("configuration key " + key.name + " bound twice");
        _bindings.push_back({std::move(key), std::move(set)});
        return *this;
    }

    std::vector<Binding> _bindings;
};

} // namespace courierd
