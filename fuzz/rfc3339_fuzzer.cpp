// parseRfc3339 against any text: never a crash, and a time it accepts is written back as
// RFC3339 (four-digit years) that reads again as the same second.
#include "courierd/Rfc3339.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto time = courierd::parseRfc3339(text);
    if (!time)
        return 0;
    const std::string written = courierd::formatRfc3339(*time);
    const auto again = courierd::parseRfc3339(written);
    if (written.size() != 20 || !again ||
        again->epochMicroseconds() / 1000000 !=
            time->epochMicroseconds() / 1000000 - (time->epochMicroseconds() % 1000000 < 0))
        std::abort();
    return 0;
}
