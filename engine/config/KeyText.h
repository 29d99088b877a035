#pragma once

#include "courierd/ConfigKey.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace courierd
{

/// How the documentation, the manual page, `--help` and `--describe-plugin` write a key's
/// limits: `1–100`, `100ms–5m`, `≥ 1`, `created, pending or canceled`, `any of a or b` (`ascii`:
/// `1 to 100`, `>= 1`, for roff), or empty when it has none. Pure; any thread.
std::string rangeOf(const ConfigKey& key, bool ascii = false);

/// A key as JSON: name, type, default, help, and its limits (minimum and maximum, durations
/// as text like `5m`; values). Pure; any thread.
Poco::JSON::Object::Ptr keyJson(const ConfigKey& key);

} // namespace courierd
