#include "TableCursor.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <courierd/JsonArray.h>
#include <courierd/Rfc3339.h>
#include <courierd/Utf8.h>

namespace postgres_table
{

namespace
{

std::string hexOf(std::string_view bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char c : bytes)
    {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    throw Poco::SyntaxException("id_hex holds a character that is not a lower-case hex digit");
}

std::string bytesOfHex(const std::string& text)
{
    if (text.size() % 2 || text.size() > 2 * TableCursor::MAX_ID_BYTES)
        throw Poco::SyntaxException("id_hex is not the hex of an id");
    std::string out;
    for (std::size_t at = 0; at < text.size(); at += 2)
        out += static_cast<char>(hexDigit(text[at]) * 16 + hexDigit(text[at + 1]));
    return out;
}

std::string stringAt(const Poco::JSON::Object& object, const std::string& key)
{
    const Poco::Dynamic::Var value = object.get(key);
    if (!value.isString())
        throw Poco::SyntaxException(key + " is not a string");
    return value.extract<std::string>();
}

} // namespace

std::string TableCursor::after(std::string_view ts, std::string_view id)
{
    std::string out = "{\"ts\":";
    courierd::appendJsonString(out, ts);
    if (courierd::firstUnstorableByte(id))
        out += ",\"id_hex\":\"" + hexOf(id) + "\"";
    else
    {
        out += ",\"id\":";
        courierd::appendJsonString(out, id);
    }
    return out + "}";
}

std::string TableCursor::since(const std::string& time)
{
    std::string out = "{\"from\":";
    courierd::appendJsonString(out, time);
    return out + "}";
}

TableCursor TableCursor::read(const std::string& cursor, const std::string& start)
{
    TableCursor at;
    at.from = start;
    if (cursor.empty())
        return at;
    Poco::JSON::Object::Ptr object;
    try
    {
        object = Poco::JSON::Parser().parse(cursor).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::SyntaxException&)
    {
        throw;
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::SyntaxException("not a JSON object: " + e.displayText());
    }
    if (!object)
        throw Poco::SyntaxException("not a JSON object");
    if (object->has("from"))
    {
        at.from = stringAt(*object, "from");
        if (!courierd::parseRfc3339(at.from))
            throw Poco::SyntaxException("from is not an RFC3339 time");
        return at;
    }
    at.ts = stringAt(*object, "ts");
    at.id =
        object->has("id_hex") ? bytesOfHex(stringAt(*object, "id_hex")) : stringAt(*object, "id");
    if (at.ts->empty() || at.id->size() > MAX_ID_BYTES || at.ts->find('\0') != std::string::npos ||
        at.id->find('\0') != std::string::npos)
        throw Poco::SyntaxException("ts and id are not a row's");
    return at;
}

} // namespace postgres_table
