// The UTF-8 checks every record passes through: escaping always yields storable text, text
// found storable is left as it is, and clipped() stays within its bound.
#include "courierd/Utf8.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string escaped = courierd::escapeUnstorable(text);
    if (courierd::firstUnstorableByte(escaped))
        std::abort();
    if (!courierd::firstUnstorableByte(text) && escaped != text)
        std::abort();
    const std::size_t max = size % 64;
    const std::string clip = courierd::clipped(text, max);
    if (courierd::firstUnstorableByte(clip))
        std::abort();
    if (clip.size() > max && clip.find("…(") > max)
        std::abort();
    return 0;
}
