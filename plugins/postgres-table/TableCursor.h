#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace postgres_table
{

/// Where a postgres-table source stands: after the row (`ts`, `id`) of the keyset order, or,
/// before any row was read (or after an operator set it by time), from the time `from` on.
/// Written as JSON: `{"ts":"…","id":"…"}` or `{"from":"RFC3339"}`. A cursor is UTF-8 text of at
/// most 64 KiB (the engine's limit), so an id that is not UTF-8 text (which a SQL_ASCII
/// database can hold) is written as its bytes in hex, `"id_hex"`. A plain value type.
struct TableCursor
{
    /// The longest id a cursor holds; a longer one is a SourceException of the poll.
    static constexpr std::size_t MAX_ID_BYTES = 16 * 1024;

    std::optional<std::string> ts, id; ///< Both, or neither.
    std::string from;                  ///< RFC3339, when neither.

    /// After the row (`ts`, `id`), as the database writes them as text.
    static std::string after(std::string_view ts, std::string_view id);
    /// From `time` (RFC3339) on.
    static std::string since(const std::string& time);
    /// `text` as after() or since() wrote it; empty: from `start` (RFC3339). Throws
    /// Poco::SyntaxException for anything else.
    static TableCursor read(const std::string& text, const std::string& start);
};

} // namespace postgres_table
