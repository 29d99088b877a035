// JsonRecordsReader (and under it JsonArrayReader) against a body from a source, an envelope
// or a plain array: never a crash, and the property that the reader fed in pieces of any size
// hands over exactly the elements and the scalars that it finds in the whole text (or fails as
// it does), each element within its size limit; for a plain array, what splitJsonArray()
// finds too.
#include "courierd/JsonArray.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace
{

struct Outcome
{
    std::vector<std::string> elements;
    std::map<std::string, std::string> scalars;
    bool failed = false;
};

Outcome read(const std::string& path, std::string_view body, std::size_t piece)
{
    Outcome out;
    courierd::JsonRecordsReader reader(
        path,
        [&](std::string_view text, bool truncated)
        {
            if (text.size() > 64 || (truncated && text.size() != 64))
                std::abort();
            out.elements.emplace_back(text);
        },
        64);
    try
    {
        for (std::size_t at = 0; at < body.size(); at += piece)
            reader.feed(body.substr(at, piece));
        reader.finish();
        out.scalars = reader.scalars();
        for (const auto& [key, text] : out.scalars)
            if (key.empty() || text.size() > 8 * 1024 + 2)
                std::abort();
        (void)reader.scalar("next_page"); // decoding never throws
    }
    catch (const Poco::SyntaxException&)
    {
        out.failed = true;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    // The first byte picks the piece size and the path.
    const std::size_t piece = 1 + data[0] % 16;
    static const char* const PATHS[] = {"data.orders", "orders", "", "a.b.c"};
    const std::string path = PATHS[(data[0] >> 4) % 4];
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const Outcome whole = read(path, body, std::max<std::size_t>(body.size(), 1));
    const Outcome streamed = read(path, body, piece);
    if (whole.failed != streamed.failed || (!whole.failed && (whole.elements != streamed.elements ||
                                                              whole.scalars != streamed.scalars)))
        std::abort();
    if (path.empty())
    {
        // The whole-body splitter agrees with the streaming reader (on elements it kept whole).
        bool failed = false;
        std::vector<std::string> split;
        try
        {
            for (const auto element : courierd::splitJsonArray(body))
                split.emplace_back(element);
        }
        catch (const Poco::SyntaxException&)
        {
            failed = true;
        }
        bool cut = false;
        for (const auto& element : split)
            cut = cut || element.size() > 64;
        if (failed != whole.failed || (!failed && !cut && split != whole.elements))
            std::abort();
    }
    return 0;
}
