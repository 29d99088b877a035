// service-order's parseOrder against any element text: never a crash, never an exception, and
// a Record it accepts is one the engine can store: a non-empty id of at most
// MAX_RECORD_ID_BYTES of UTF-8 text, a created_at no later than `latest`, the element verbatim.
#include "OrderParser.h"
#include "courierd/Utf8.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::set<std::string> assignable{"created", "accepted"};
    static const Poco::Timestamp latest(Poco::Timestamp::TimeVal(1'900'000'000) * 1'000'000);
    const std::string element(reinterpret_cast<const char*>(data), size);
    const auto parsed = service_order::parseOrder(element, assignable, latest);
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
