// What service-order's recheck reads of an answer: parseStatus() of a listing's element or of a
// status answer, and the fate fateOf() gives it, against any text: never a crash, never an
// exception, an id and a status only from a JSON object that has them, and a fate whose reason
// is bounded UTF-8 text the engine can store and log.
#include "OrderParser.h"
#include "courierd/Utf8.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::set<std::string> assignable{"created", "pending"};
    static const std::set<std::string> known{"created", "pending", "delivering", "canceled",
                                             "deleted"};
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (const char* idKey : {"id", "order_id"})
    {
        const auto status = service_order::parseStatus(text, idKey);
        if (!status)
            continue;
        if (status->id.empty() || courierd::firstUnstorableByte(status->id) ||
            courierd::firstUnstorableByte(status->status))
            std::abort();
        const auto answer = service_order::fateOf(status->id, status->status, assignable, known);
        if (answer.id != status->id || answer.reason.size() > 400 ||
            courierd::firstUnstorableByte(answer.reason))
            std::abort();
        if ((answer.fate == courierd::Fate::Needed) != (assignable.count(status->status) == 1))
            std::abort();
    }
    return 0;
}
