#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace courierd
{

/// How a configuration value is parsed and checked. The host parses and checks every value
/// against its key before a component reads it, so that a bad value stops start-up naming the
/// file (or environment variable), the key and the value, and `--check-config` finds it.
enum class ConfigType
{
    String,
    Integer,     ///< A whole number within [minimum, maximum].
    Duration,    ///< `250ms`, `5s`, `10m`, `1h`, `1d`; minimum and maximum in milliseconds.
    Boolean,     ///< `true` or `false`.
    Time,        ///< An RFC3339 time: `2026-11-24T10:15:30Z`, `2026-11-24T13:15:30.5+03:00`.
    Enumeration, ///< One of `values`.
    List,        ///< Comma-separated items, blanks trimmed; each one of `values` unless empty.
    /// The name of a file holding a secret (the key is named `…_file`): an absolute path, or a
    /// name in `$CREDENTIALS_DIRECTORY` (systemd's `LoadCredential=`). The host reads it (at
    /// most 64 KiB, its last line break dropped), refuses an empty one, warns about one every
    /// user may read, and never shows what it holds in any message. Empty: no secret.
    Secret,
};

/// One configuration key a component owns, declared once in a table (the engine's, or a
/// plugin's Source::settings(), usually made by a ConfigMap): typos are reported at start,
/// values are parsed in one place, and `--help`, docs/configuration.md and courierd.ini(5)
/// list every key from the same table. A plain value type.
///
/// A name with one `*` declares a *family*: `query.*` is every key of the section that starts
/// `query.` (`query.status = created`), `headers.*_file` every one that also ends `_file`.
/// Each key set in a file or with `--set` that matches is declared with the family's type,
/// limits and help (a key matching two families takes the longer pattern's), and read by its
/// own name; ConfigValues::keysOf() lists them. A family has no default, and its keys are not
/// read from the environment (its variable names cannot be told apart).
struct ConfigKey
{
    std::string name;         ///< The key: `store.pool_size`, or `timeout` within a source.
    ConfigType type;          ///< How the value is parsed and checked.
    std::string defaultValue; ///< Used when no layer sets the key; empty means unset.
    std::string help;         ///< One line for `--help` and the documentation.
    std::int64_t minimum = 0; ///< Integer: the value; Duration: milliseconds.
    std::int64_t maximum = std::numeric_limits<std::int64_t>::max();
    /// Enumeration: the values it may take; List: the items it may hold (empty: any).
    std::vector<std::string> values = {};
};

} // namespace courierd
