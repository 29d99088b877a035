// The postgres-table plugin's cursor against any stored text: only SyntaxException for what it
// did not write; a row cursor it accepts is written back as UTF-8 text that reads as the same
// row, whatever bytes its id holds.
#include "TableCursor.h"

#include <Poco/Exception.h>

#include <courierd/Utf8.h>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    postgres_table::TableCursor cursor;
    try
    {
        cursor = postgres_table::TableCursor::read(text, "1970-01-01T00:00:00Z");
    }
    catch (const Poco::SyntaxException&)
    {
        return 0;
    }
    if (cursor.ts.has_value() != cursor.id.has_value())
        std::abort();
    if (!cursor.ts)
        return 0;
    const std::string written = postgres_table::TableCursor::after(*cursor.ts, *cursor.id);
    if (courierd::firstUnstorableByte(written))
        std::abort(); // a cursor the engine could not store
    const auto again = postgres_table::TableCursor::read(written, "");
    if (again.ts != cursor.ts || again.id != cursor.id)
        std::abort();
    // Raw bytes as an id, as a SQL_ASCII table hands them over, round-trip through hex.
    if (cursor.ts->find('\0') == std::string::npos && text.size() <= 1024 &&
        text.find('\0') == std::string::npos)
    {
        const auto raw = postgres_table::TableCursor::read(
            postgres_table::TableCursor::after(*cursor.ts, text), "");
        if (raw.id != text ||
            courierd::firstUnstorableByte(postgres_table::TableCursor::after(*cursor.ts, text)))
            std::abort();
    }
    return 0;
}
