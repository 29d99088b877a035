#pragma once

#include "courierd/Duration.h"
#include "courierd/Record.h"
#include "courierd/Reject.h"

#include <optional>
#include <string>

namespace courierd
{

/// What a source hands over, checked against what the store can hold before it is written:
/// PostgreSQL's text refuses bytes that are not UTF-8 and NULs, its indexes refuse long keys,
/// and a time far in the future would mislead every later poll. A record that fails is stored
/// as a reject with the reason, so one bad element never fails the rows beside it. Pure.
class RecordScreen
{
public:
    /// `now`: the time ingest runs; `maxClockSkew`: how far past it a `created_at` may be.
    RecordScreen(Poco::Timestamp now, Duration maxClockSkew);

    /// Why `record` cannot be stored as a record, or nothing when it can.
    std::optional<std::string> unstorable(const Record& record) const;

    /// The reject to store: `payload` with unstorable bytes written `\xNN` (the reason then
    /// says so, with the original length), the reason led by the salvaged id, both bounded.
    static Reject storable(std::string_view id, std::string_view payload, std::string_view reason);

private:
    Poco::Timestamp _latest;
    Duration _maxClockSkew;
};

} // namespace courierd
