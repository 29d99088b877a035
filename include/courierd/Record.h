#pragma once

#include <Poco/Timestamp.h>

#include <cstddef>
#include <string>

namespace courierd
{

/// The longest record id the engine stores as a record, in bytes. A longer one is stored
/// `rejected` (an id is part of the inbox and delivery keys, which PostgreSQL indexes).
constexpr std::size_t MAX_RECORD_ID_BYTES = 256;

/// One well-formed element a source returned: an order, and the plugin's verdict on it.
/// A plain value type; the engine stores it in the inbox exactly as given, unless the store
/// cannot hold it as a record: an empty id or one over MAX_RECORD_ID_BYTES, an id, payload or
/// reason that is not UTF-8 text or holds a NUL, a createdAt before 1970 or later than now +
/// `max_clock_skew`. Such a record is stored `rejected` with the reason (bytes that are not
/// UTF-8 written as `\xNN`), so one bad element never holds back the others.
struct Record
{
    enum class Verdict
    {
        Assign, ///< Needs a courier.
        Skip,   ///< Needs none (e.g. status `canceled`); stored `skipped` with `reason`.
    };

    std::string id;            ///< Unique within the source, non-empty, at most
                               ///< MAX_RECORD_ID_BYTES of UTF-8: the order id.
    Poco::Timestamp createdAt; ///< When the source says the order was created.
    std::string payload;       ///< The element's raw JSON, stored verbatim.
    Verdict verdict = Verdict::Assign;
    std::string reason; ///< Skip: why, for operators (`status canceled`).
};

} // namespace courierd
