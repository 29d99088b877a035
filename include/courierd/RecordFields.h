#pragma once

#include "courierd/Export.h"
#include "courierd/Record.h"
#include "courierd/Reject.h"
#include "courierd/Rfc3339.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace courierd
{

/// One top-level field of a JSON object, as readJsonFields() found it.
struct JsonField
{
    bool present = false;            ///< The key was there, with any value.
    std::optional<std::string> text; ///< A string's value, or a number's decimal text.
    bool number = false;             ///< `text` came from a JSON number.
};

/// Reads the top-level fields `names` of the JSON object `element` as parse events: the whole
/// element is still checked as JSON, but no document is built (what a drain's time goes to
/// otherwise). `fields` gets one entry per name, in order; a repeated key keeps its last value.
/// Returns false when the element is JSON but not an object. Throws Poco::Exception (a syntax
/// error) for text that is not JSON, and for text that is not UTF-8. Pure; any thread.
COURIERD_SDK_API bool readJsonFields(std::string_view element,
                                     const std::vector<std::string>& names,
                                     std::vector<JsonField>& fields);

/// Whether `id` comes after `cursor` in a source whose ids only grow: ids that are both all
/// digits compare as numbers (`10` after `9`), others as text. Pure; any thread.
COURIERD_SDK_API bool idAfter(std::string_view id, std::string_view cursor);

/// Where an order's fields are in a source's elements, and how to judge it: the first-read rule
/// most plugins need, from an element's text to a Record (with its verdict) or a Reject saying
/// why, without code of the plugin's own. Fields are top-level keys of the element object.
struct COURIERD_SDK_API RecordFields
{
    std::string id = "id";
    bool integerIds = false; ///< Also take a JSON integer id (`17` → "17"), not strings only.
    std::string createdAt = "created_at";
    /// Rfc3339: a string. The epoch formats: a JSON number or a string of digits.
    TimeFormat createdAtFormat = TimeFormat::Rfc3339;
    std::string status = "status";  ///< Empty: the elements have no status; all are assigned.
    std::set<std::string> statuses; ///< The statuses that need a courier; others are skipped.

    /// A Record of `element` (its text kept verbatim as the payload; skipped with the reason
    /// `status NAME` when its status is not in `statuses`), or a Reject with the reason: not
    /// UTF-8, not a JSON object, a missing, mistyped or empty id, an id longer than
    /// MAX_RECORD_ID_BYTES or not UTF-8 text, a missing or unreadable created_at or one later
    /// than `latest` (now + max_clock_skew, which must never move a watermark), a missing or
    /// non-string status. Pure; any thread.
    std::variant<Record, Reject> read(std::string_view element, Poco::Timestamp latest) const;
};

} // namespace courierd
