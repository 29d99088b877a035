// TimestampWatermark's cursor, both ways.
//  - Restore any text (a stored cursor of format 1, 2 or 3, or garbage): only a
//    Poco::SyntaxException, and a cursor it accepts, written and read back, is equal.
//  - Admit any ids at any times: the cursor written is read back to the same watermark (by a
//    fresh instance: with an empty window; by the same one: with its window), so a plugin
//    never stores a cursor it cannot restore (which would stop its source for good), and it
//    is under 1 KiB however many ids the window holds.
#include "courierd/TimestampWatermark.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace
{

const Poco::Timespan LOOKBACK(10, 0);
const Poco::Timestamp START(Poco::Timestamp::TimeVal(1'600'000'000) * 1'000'000);

courierd::TimestampWatermark fresh()
{
    return courierd::TimestampWatermark(LOOKBACK, START);
}

// The cursor `written` read back into a fresh watermark writes itself again unchanged; read
// back into the instance that wrote it, it keeps the window.
void readsBackEqual(const std::string& written, courierd::TimestampWatermark& original)
{
    if (written.size() >= 1024)
        std::abort();
    const std::size_t window = original.remembered();
    auto again = fresh();
    try
    {
        again.restore(written);
        original.restore(written);
    }
    catch (const Poco::SyntaxException&)
    {
        std::abort(); // a cursor the watermark wrote itself
    }
    if (again.cursor() != written || again.watermark() != original.watermark() ||
        again.remembered() != 0 || original.remembered() != window || original.cursor() != written)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    auto watermark = fresh();
    if (data[0] % 2 == 0)
    {
        try
        {
            watermark.restore(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
        }
        catch (const Poco::SyntaxException&)
        {
            return 0;
        }
    }
    else
    {
        // Records: a length byte, that many bytes of id, then a 4-byte offset in ms from START.
        std::size_t at = 1;
        while (at < size)
        {
            const std::size_t length = std::min<std::size_t>(data[at], size - at - 1);
            ++at;
            const std::string id(reinterpret_cast<const char*>(data) + at, length);
            at += length;
            std::int32_t offset = 0;
            std::memcpy(&offset, data + at, std::min<std::size_t>(4, size - at));
            at += 4;
            watermark.admit(id, START + Poco::Timestamp::TimeDiff(offset) * 1000);
        }
    }
    const auto written = watermark.cursor();
    readsBackEqual(written, watermark);
    return 0;
}
