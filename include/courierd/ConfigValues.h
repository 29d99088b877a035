#pragma once

#include "courierd/Duration.h"
#include "courierd/Export.h"

#include <Poco/Timestamp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace courierd
{

/// The values of declared configuration keys, each already parsed and checked by the host
/// against its ConfigKey: what a ConfigMap fills a struct from. The engine's settings and a
/// source's SourceContext implement it. Every getter throws Poco::NotFoundException for a key
/// that was not declared, and Poco::BadCastException for one declared with another type (both
/// bugs in the caller). Read-only, so safe from any thread.
class COURIERD_SDK_API ConfigValues
{
public:
    virtual ~ConfigValues() = default;

    virtual std::string getString(const std::string& key) const = 0;
    virtual std::int64_t getInt(const std::string& key) const = 0;
    virtual Duration getDuration(const std::string& key) const = 0;
    virtual bool getBool(const std::string& key) const = 0;
    virtual Poco::Timestamp getTime(const std::string& key) const = 0;
    /// An Enumeration's value is read with getString().
    virtual std::vector<std::string> getList(const std::string& key) const = 0;
    /// What the file a Secret key names holds; empty when the key is unset. Never log it.
    virtual std::string getSecret(const std::string& key) const = 0;

    /// `<where it came from>: <full key> = '<value>'` (the file, `environment NAME`, `--set`
    /// or `default`), to start a message about a value that is well-formed but unusable:
    /// `throw ConfigException(values.describe("base_url") + ": not reachable")`. A Secret
    /// key shows the file's name, never what it holds.
    virtual std::string describe(const std::string& key) const = 0;

    /// The keys set for `family` (a ConfigKey named with one `*`, as `query.*`), by their full
    /// names within the section (`query.status`), sorted; each read with the family's getter.
    /// Empty when none is set. Plugin ABI 8.
    virtual std::vector<std::string> keysOf(const std::string& family) const = 0;
};

} // namespace courierd
