// What the admin API reads from a client: path parameters and JSON bodies. Whatever the bytes,
// the answer is an ApiError with a 4xx status, a ValidationException (a 400), or a value that
// passes its checks; never another exception (a 500) or a crash.
#include "admin/AdminInput.h"
#include "courierd/Utf8.h"
#include "util/Exceptions.h"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace
{

void checkCourier(const courierd::NewCourier& input)
{
    if (courierd::firstUnstorableByte(courierd::checkedName(input.name)))
        std::abort();
    courierd::checkedPhone(input.phone);
    courierd::checkedStatus(input.status);
    courierd::checkedTransport(input.transport);
}

void checkChanges(const courierd::CourierChanges& changes)
{
    if (changes.name && courierd::firstUnstorableByte(courierd::checkedName(*changes.name)))
        std::abort();
    if (changes.phone)
        courierd::checkedPhone(*changes.phone);
    if (changes.status)
        courierd::checkedStatus(*changes.status);
    if (changes.transport)
        courierd::checkedTransport(*changes.transport);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try
    {
        switch (data[0] % 3)
        {
        case 0:
            if (const auto id = courierd::parseIdSegment(text))
                if (*id < 0 || text.find_first_not_of("0123456789") != std::string::npos)
                    std::abort();
            break;
        case 1:
            checkCourier(courierd::readNewCourier(courierd::parseJsonObject(text)));
            break;
        default:
            checkChanges(courierd::readCourierChanges(courierd::parseJsonObject(text)));
            break;
        }
    }
    catch (const courierd::ApiError& e)
    {
        if (e.status < 400 || e.status > 499 || e.code.empty())
            std::abort();
    }
    catch (const courierd::ValidationException&)
    {
    }
    return 0;
}
