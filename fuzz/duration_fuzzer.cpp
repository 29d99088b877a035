// parseDuration against any text (config values): never a crash, and a duration it accepts is
// written back as text that reads again as the same duration.
#include "courierd/Duration.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto duration = courierd::parseDuration(text);
    if (!duration)
        return 0;
    if (courierd::parseDuration(courierd::formatDuration(*duration)) != duration)
        std::abort();
    return 0;
}
