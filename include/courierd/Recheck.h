#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace courierd
{

/// An order the engine holds and asks its source about again (Source::recheck()): the id and
/// `created_at` the source gave at the first read. A plain value type.
struct RecheckQuery
{
    std::string id;
    Poco::Timestamp createdAt;
};

/// What became of an order at its source, as the plugin's first-read rule would judge it now.
enum class Fate
{
    Needed,    ///< It would be assigned if it were read now.
    NotNeeded, ///< It would be stored skipped now: `reason` says why (`status delivering`).
    Canceled,  ///< Canceled at the source: `reason` says how (`status canceled`).
    Gone,      ///< No longer at the source (deleted).
    Unknown,   ///< The plugin cannot tell: the engine changes nothing.
};

/// `needed`, `not_needed`, `canceled`, `gone`, `unknown`: the names of logs and metrics.
inline const char* fateName(Fate fate)
{
    switch (fate)
    {
    case Fate::Needed:
        return "needed";
    case Fate::NotNeeded:
        return "not_needed";
    case Fate::Canceled:
        return "canceled";
    case Fate::Gone:
        return "gone";
    case Fate::Unknown:
        break;
    }
    return "unknown";
}

/// The plugin's answer about one asked order. A plain value type.
struct RecheckAnswer
{
    std::string id;
    Fate fate = Fate::Unknown;
    std::string reason; ///< NotNeeded, Canceled, Unknown: why, for operators (bounded, UTF-8).
};

} // namespace courierd
