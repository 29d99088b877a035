#pragma once

#include "courierd/ConfigKey.h"
#include "courierd/ConfigValues.h"
#include "courierd/Duration.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace courierd
{

/// The environment variable that overrides `key`: `COURIERD_` followed by the key upper-cased,
/// every character other than a letter or digit turned into `_`
/// (`source.service-order.base_url` → `COURIERD_SOURCE_SERVICE_ORDER_BASE_URL`).
std::string environmentName(const std::string& key);

/// How `--help` and the documentation name a key's type: string, integer, duration, boolean,
/// time, enumeration, list, secret.
const char* typeName(ConfigType type);

/// The items of a List value: split at commas, blanks trimmed, empty items dropped.
std::vector<std::string> listItems(const std::string& text);

/// The configuration of one run, in layers: declared defaults < file < `COURIERD_*`
/// environment < `--set key=value`. Keys are declared by their owners (the engine, each source
/// and its plugin) before check() validates every value against them and collects every
/// problem (not just the first), each naming where the value came from, the key and the value.
/// check() reads the files Secret keys name. Built on the main thread; read-only afterwards and
/// then safe to read from any thread.
class Settings : public ConfigValues
{
public:
    using Environment = std::map<std::string, std::string>;
    using Overrides = std::vector<std::pair<std::string, std::string>>;

    /// Sections whose keys belong to POCO (`logging.*`, read by Poco::Util::LoggingConfigurator)
    /// and are passed through unchecked.
    static const std::vector<std::string> PASSTHROUGH_SECTIONS;

    /// Reads `path` (`.properties` as a properties file, anything else as INI; an empty path
    /// means no file) and keeps `environment` and `overrides` to apply on top. Declares
    /// nothing. Throws ConfigException if the file cannot be read.
    static Settings read(const std::string& path, const Environment& environment,
                         const Overrides& overrides);

    /// read(), declare(schema), check(): the whole configuration of a component.
    static Settings load(const std::string& path, const std::vector<ConfigKey>& schema,
                         const Environment& environment, const Overrides& overrides);

    /// The process's `COURIERD_*` variables.
    static Environment currentEnvironment();

    /// Declares keys (full names), giving each its value from the layers.
    void declare(const std::vector<ConfigKey>& keys);

    /// Validates: unknown sections and keys, and every declared value. Replaces problems()
    /// and warnings(); call again after declaring more.
    void check();

    /// NAME of every `[source.NAME]` section in the file or `--set source.NAME.key=…`.
    std::vector<std::string> sourceNames() const;

    /// Adds a problem found by a key's owner (e.g. a plugin that does not load). Cleared by
    /// check().
    void addProblem(const std::string& problem) { _problems.push_back(problem); }

    /// The same, before every problem check() found: the causes (a source's plugin that does
    /// not load) come first, and what follows from them after.
    void addCauses(const std::vector<std::string>& causes);

    /// The keys of `section` cannot be known (its source's plugin did not load): check() reports
    /// none of them as unknown, so that the cause is said alone. Kept across check().
    void ownerMissing(const std::string& section) { _ownerMissing.insert(section); }

    /// Every error found; empty when the configuration is usable.
    const std::vector<std::string>& problems() const { return _problems; }

    /// Things an operator should know that do not stop start-up.
    const std::vector<std::string>& warnings() const { return _warnings; }

    /// Throws ConfigException with every problem, one per line, when there are any.
    void throwIfInvalid() const;

    const std::string& path() const { return _path; }

    /// Typed accessors for declared keys (full names); check() has validated the value, and
    /// before it one that cannot be parsed throws ConfigException naming it. Throws
    /// Poco::NotFoundException for an undeclared key, Poco::BadCastException for one of another
    /// type (programming errors).
    std::string getString(const std::string& key) const override;
    std::int64_t getInt(const std::string& key) const override;
    Duration getDuration(const std::string& key) const override;
    bool getBool(const std::string& key) const override;
    Poco::Timestamp getTime(const std::string& key) const override;
    std::vector<std::string> getList(const std::string& key) const override;
    std::vector<std::string> keysOf(const std::string& family) const override;
    /// What check() read from the file; empty when the key is unset.
    std::string getSecret(const std::string& key) const override;

    /// Every declared key starting with `prefix`, with its value as text (defaults included).
    std::map<std::string, std::string> valuesUnder(const std::string& prefix) const;

    /// Where the value of `key` came from: `default`, the file's path, `environment NAME`,
    /// or `--set`.
    std::string origin(const std::string& key) const;

    /// `<origin>: key = 'value'`, the start of a message about a declared key's value.
    std::string describe(const std::string& key) const override;

    /// The raw file, for the pass-through sections (logging). Null when there is no file.
    Poco::AutoPtr<Poco::Util::AbstractConfiguration> file() const { return _file; }

private:
    struct Value
    {
        std::string text;
        std::string origin;
        std::string secret = {}; // a Secret key's: what its file holds, once check() read it
    };

    struct FileValue;
    // Reads one file's values (keys of the pass-through sections left out) into `values`, and a
    // key it sets twice into `conflicts` (as a key set in two files is); returns the file for
    // those sections. Throws ConfigException naming the file.
    static Poco::AutoPtr<Poco::Util::AbstractConfiguration>
    readFile(const std::string& path, std::vector<FileValue>& values,
             std::vector<std::string>& conflicts);
    const ConfigKey& declared(const std::string& key) const;
    const ConfigKey& declared(const std::string& key, ConfigType type) const;
    void validate(const ConfigKey& key);
    // Reads the file of a Secret key into its value; what is wrong, or an empty string.
    std::string readSecret(const ConfigKey& key);

    std::string _path;
    Environment _environment;
    Overrides _overrides;
    struct FileValue
    {
        std::string key; // lower-cased
        std::string text;
        std::string origin; // the file that set it
    };
    std::vector<FileValue> _fileValues;  // the main file's, then conf.d's in name order
    std::vector<std::string> _conflicts; // keys set by two files
    std::vector<ConfigKey> _schema;
    std::map<std::string, std::vector<std::string>> _families; // family → its declared keys
    std::map<std::string, Value> _values;
    std::set<std::string> _ownerMissing; // sections whose keys cannot be known
    std::vector<std::string> _problems;
    std::vector<std::string> _warnings;
    Poco::AutoPtr<Poco::Util::AbstractConfiguration> _file;
};

} // namespace courierd
