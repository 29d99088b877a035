// JsonArrayReader against a body from a source: never a crash, and the property that the
// streaming reader, fed in pieces of any size, hands over exactly what the whole-body splitter
// finds (or fails as it does).
#include "courierd/JsonArray.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace
{

struct Outcome
{
    std::vector<std::string> elements;
    bool failed = false;
};

Outcome whole(std::string_view body)
{
    Outcome out;
    try
    {
        for (const auto element : courierd::splitJsonArray(body))
            out.elements.emplace_back(element);
    }
    catch (const Poco::SyntaxException&)
    {
        out.failed = true;
    }
    return out;
}

Outcome streamed(std::string_view body, std::size_t piece)
{
    Outcome out;
    courierd::JsonArrayReader reader(
        [&](std::string_view text, bool) { out.elements.emplace_back(text); }, body.size() + 1);
    try
    {
        for (std::size_t at = 0; at < body.size(); at += piece)
            reader.feed(body.substr(at, piece));
        reader.finish();
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
    const std::size_t piece = 1 + data[0] % 16; // the first byte picks the piece size
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const Outcome a = whole(body);
    const Outcome b = streamed(body, piece);
    // A failure may come after some elements were handed over; both must fail alike, and
    // agree on every element when neither fails.
    if (a.failed != b.failed || (!a.failed && a.elements != b.elements))
        std::abort();
    // A small limit: elements are cut, never longer than asked.
    courierd::JsonArrayReader cut(
        [](std::string_view text, bool truncated)
        {
            if (text.size() > 8 || (truncated && text.size() != 8))
                std::abort();
        },
        8);
    try
    {
        cut.feed(body);
        cut.finish();
    }
    catch (const Poco::SyntaxException&)
    {
    }
    return 0;
}
