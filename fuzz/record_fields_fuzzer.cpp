// The SDK's RecordFields (service-order's first read, and any plugin's) against any element
// text, under each of its shapes (string or integer ids; RFC3339 or epoch times; a status or
// none): never a crash, never an exception, and a Record it accepts is one the engine can
// store: a non-empty id of at most MAX_RECORD_ID_BYTES of UTF-8 text, a created_at no later
// than `latest`, the element verbatim. A Reject always says why.
#include "courierd/RecordFields.h"
#include "courierd/Utf8.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const Poco::Timestamp latest(Poco::Timestamp::TimeVal(1'900'000'000) * 1'000'000);
    // The first byte picks the shape; the rest is the element.
    const unsigned shape = size > 0 ? data[0] : 0;
    const std::string element(reinterpret_cast<const char*>(data) + (size > 0), size - (size > 0));
    courierd::RecordFields fields;
    fields.statuses = {"created", "accepted"};
    fields.integerIds = shape & 1;
    fields.createdAtFormat = static_cast<courierd::TimeFormat>((shape >> 1) % 3);
    if (shape & 8)
        fields.status.clear();
    const auto parsed = fields.read(element, latest);
    if (const auto* record = std::get_if<courierd::Record>(&parsed))
    {
        if (record->id.empty() || record->id.size() > courierd::MAX_RECORD_ID_BYTES ||
            courierd::firstUnstorableByte(record->id) || record->createdAt > latest ||
            record->payload != element)
            std::abort();
    }
    else if (std::get<courierd::Reject>(parsed).reason.empty())
        std::abort();
    return 0;
}
