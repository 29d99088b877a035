#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace courierd
{

/// How a configuration value is parsed and checked.
enum class ConfigType
{
    String,
    Integer,  ///< A whole number within [minimum, maximum].
    Duration, ///< `250ms`, `5s`, `10m`, `1h`; minimum and maximum in milliseconds.
};

/// One configuration key a component owns, declared once in a table (the engine's, or a
/// plugin's Source::settings()): typos are reported at start, values are parsed in one place,
/// and `--help` and docs/configuration.md list every key from the same table. A plain value type.
struct ConfigKey
{
    std::string name;         ///< The key: `store.pool_size`, or `timeout` within a source.
    ConfigType type;          ///< How the value is parsed and checked.
    std::string defaultValue; ///< Used when no layer sets the key; empty means unset.
    std::string help;         ///< One line for `--help` and the documentation.
    std::int64_t minimum = 0; ///< Integer: the value; Duration: milliseconds.
    std::int64_t maximum = std::numeric_limits<std::int64_t>::max();
};

} // namespace courierd
