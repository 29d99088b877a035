#pragma once

#include "courierd/Export.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace courierd
{

/// The offset of the first byte of `text` that PostgreSQL's `text` cannot hold: a byte that is
/// not part of well-formed UTF-8 (a stray continuation byte, an overlong form, a surrogate, a
/// sequence cut short) or a NUL. Nothing when all of `text` is storable. Pure; any thread.
COURIERD_SDK_API std::optional<std::size_t> firstUnstorableByte(std::string_view text);

/// `text` with every byte firstUnstorableByte() would stop at written as `\xNN` (upper-case
/// hex); well-formed characters are copied as they are. Pure; any thread.
COURIERD_SDK_API std::string escapeUnstorable(std::string_view text);

/// `text` for a log line or an error message: unstorable bytes escaped (`\xNN`), control
/// characters too (`\n`, `\r`, `\t`, `\x1b`, C1 controls as `\u0085`), so that a value never
/// starts a line of its own or steers a terminal, and cut (at a character boundary) to at most
/// `max` bytes with `…(N bytes)` appended when it was longer. Logs never carry an unbounded
/// value from outside, nor a forged line. Pure; any thread.
COURIERD_SDK_API std::string clipped(std::string_view text, std::size_t max = 120);

} // namespace courierd
