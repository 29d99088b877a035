// The UTF-8 checks every record passes through: escaping always yields storable text, text
// found storable is left as it is, and clipped() stays within its bound and leaves no control
// character in what it returns for a log line.
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
    // Nothing from outside forges a log line or steers a terminal: no control character, C0,
    // DEL or C1, survives clipped().
    for (std::size_t at = 0; at < clip.size(); ++at)
    {
        const auto byte = static_cast<unsigned char>(clip[at]);
        if (byte < 0x20 || byte == 0x7F)
            std::abort();
        if (byte == 0xC2 && at + 1 < clip.size() && static_cast<unsigned char>(clip[at + 1]) < 0xA0)
            std::abort();
    }
    return 0;
}
