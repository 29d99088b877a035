#include "courierd/Utf8.h"

#include <Poco/UTF8Encoding.h>

namespace courierd
{

namespace
{

// The length of the well-formed character starting at `at`, or 0 if none does (Poco checks
// the sequence: overlong forms, surrogates and code points past U+10FFFF are refused).
std::size_t characterAt(std::string_view text, std::size_t at)
{
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead == 0)
        return 0;
    if (lead < 0x80)
        return 1;
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (at + length > text.size())
        return 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data() + at);
    return Poco::UTF8Encoding::isLegal(bytes, static_cast<int>(length)) ? length : 0;
}

} // namespace

std::optional<std::size_t> firstUnstorableByte(std::string_view text)
{
    for (std::size_t at = 0; at < text.size();)
    {
        const std::size_t length = characterAt(text, at);
        if (length == 0)
            return at;
        at += length;
    }
    return std::nullopt;
}

std::string escapeUnstorable(std::string_view text)
{
    static constexpr char HEX[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t at = 0; at < text.size();)
    {
        const std::size_t length = characterAt(text, at);
        if (length > 0)
        {
            out.append(text.substr(at, length));
            at += length;
            continue;
        }
        const auto byte = static_cast<unsigned char>(text[at++]);
        out += "\\x";
        out += HEX[byte >> 4];
        out += HEX[byte & 0xF];
    }
    return out;
}

std::string clipped(std::string_view text, std::size_t max)
{
    static constexpr char HEX[] = "0123456789abcdef";
    std::string out;
    std::size_t at = 0;
    while (at < text.size())
    {
        const std::size_t length = characterAt(text, at);
        const auto lead = static_cast<unsigned char>(text[at]);
        std::string piece;
        if (length == 0)
            piece = escapeUnstorable(text.substr(at, 1));
        else if (length == 1 && (lead < 0x20 || lead == 0x7F))
        {
            // A control character would start a line of its own, or steer a terminal.
            switch (lead)
            {
            case '\n':
                piece = "\\n";
                break;
            case '\r':
                piece = "\\r";
                break;
            case '\t':
                piece = "\\t";
                break;
            default:
                piece = {'\\', 'x', HEX[lead >> 4], HEX[lead & 0xF]};
            }
        }
        else if (length == 2 && lead == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0)
        {
            // C1 controls (U+0080-U+009F, encoded C2 80-9F): CSI and friends for some terminals.
            const auto code = static_cast<unsigned char>(text[at + 1]);
            piece = {'\\', 'u', '0', '0', HEX[code >> 4], HEX[code & 0xF]};
        }
        else
            piece = text.substr(at, length);
        if (out.size() + piece.size() > max)
            break;
        out += piece;
        at += length > 0 ? length : 1;
    }
    if (at < text.size())
        out += "…(" + std::to_string(text.size()) + " bytes)";
    return out;
}

} // namespace courierd
