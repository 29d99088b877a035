// The generator plugin's cursor against any stored text: only SyntaxException for what it did
// not write, and a cursor it accepts is written back as the same text's meaning.
#include "GeneratorSource.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    generator::GeneratorCursor cursor;
    try
    {
        cursor = generator::GeneratorCursor::read(text);
    }
    catch (const Poco::SyntaxException&)
    {
        return 0;
    }
    const auto again = generator::GeneratorCursor::read(cursor.write());
    if (again.run != cursor.run || again.sequence != cursor.sequence ||
        again.untilMs != cursor.untilMs || cursor.run < 0 || cursor.sequence < 0 ||
        cursor.untilMs < 0)
        std::abort();
    return 0;
}
