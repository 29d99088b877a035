#include "courierd/JsonArray.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <string>

namespace courierd
{

namespace
{

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

JsonArrayReader::JsonArrayReader(Element element, std::size_t maxElementBytes)
    : _element(std::move(element))
    , _maxElementBytes(maxElementBytes)
{
}

void JsonArrayReader::fail(const std::string& what, std::size_t at) const
{
    throw Poco::SyntaxException(what + " at byte " + std::to_string(at));
}

void JsonArrayReader::startElement(std::string_view, std::size_t at)
{
    _collecting = true;
    _start = at;
    _startAt = _offset + at;
    _partial.clear();
    _truncated = false;
}

void JsonArrayReader::endElement(std::string_view piece, std::size_t end)
{
    _collecting = false;
    _state = State::Done;
    ++_elements;
    _elementBytes = _offset + end - _startAt;
    if (_partial.empty() && !_truncated)
    {
        // The whole element is in this piece: hand it over without copying.
        const std::size_t length = std::min(end - _start, _maxElementBytes);
        _element(piece.substr(_start, length), end - _start > _maxElementBytes);
        return;
    }
    if (!_truncated)
    {
        const std::size_t room = _maxElementBytes - _partial.size();
        _partial.append(piece.substr(_start, std::min(end - _start, room)));
        _truncated = end - _start > room;
    }
    _element(_partial, _truncated);
    _partial.clear();
}

void JsonArrayReader::feed(std::string_view piece)
{
    std::size_t pos = 0;
    const auto at = [&] { return _offset + pos; };
    for (; pos < piece.size(); ++pos)
    {
        const char c = piece[pos];
        if (_inString)
        {
            // Inside a string (of an element at any depth): only its end matters.
            if (_escaped)
                _escaped = false;
            else if (c == '\\')
                _escaped = true;
            else if (c == '"')
            {
                _inString = false;
                if (_depth == 0)
                    endElement(piece, pos + 1);
            }
            continue;
        }
        if (_phase == Phase::Before)
        {
            if (isSpace(c))
                continue;
            if (c != '[')
                fail(std::string("expected a JSON array, found '") + c + "'", at());
            _phase = Phase::Inside;
            continue;
        }
        if (_phase == Phase::After)
        {
            if (!isSpace(c))
                fail("text after the array", at());
            continue;
        }
        if (_depth > 0)
        {
            if (c == '"')
                _inString = true;
            else if (c == '[' || c == '{')
                ++_depth;
            else if ((c == ']' || c == '}') && --_depth == 0)
                endElement(piece, pos + 1);
            continue;
        }
        if (isSpace(c))
        {
            if (_state == State::Scalar)
                endElement(piece, pos);
            continue;
        }
        if (c == ',')
        {
            if (_state == State::Expect)
                fail("empty element", at());
            if (_state == State::Scalar)
                endElement(piece, pos);
            _state = State::Expect;
            continue;
        }
        if (c == ']')
        {
            if (_state == State::Expect && _elements > 0)
                fail("trailing ',' before ']'", at());
            if (_state == State::Scalar)
                endElement(piece, pos);
            _phase = Phase::After;
            continue;
        }
        if (c == '}')
            fail("unbalanced '}'", at());
        if (_state == State::Done)
            fail("missing ',' between elements", at());
        if (_state == State::Scalar)
            continue;
        startElement(piece, pos);
        if (c == '"')
            _inString = true;
        else if (c == '[' || c == '{')
            _depth = 1;
        else
            _state = State::Scalar;
    }
    if (_collecting && !_truncated)
    {
        // Carry the element's text read so far over to the next piece.
        const std::size_t room = _maxElementBytes - _partial.size();
        _partial.append(piece.substr(_start, std::min(piece.size() - _start, room)));
        _truncated = piece.size() - _start > room;
    }
    _start = 0;
    _offset += piece.size();
}

void JsonArrayReader::finish()
{
    if (_phase == Phase::Before)
        fail("empty body where a JSON array was expected", _offset);
    if (_inString)
        fail("unterminated string (truncated body?)", _offset);
    if (_phase == Phase::Inside)
        fail("unterminated array (truncated body?)", _offset);
}

std::vector<std::string_view> splitJsonArray(std::string_view body)
{
    std::vector<std::string_view> elements;
    JsonArrayReader reader(
        [&](std::string_view text, bool)
        {
            // One piece holding the whole body: every element is a view into it.
            elements.push_back(text);
        },
        body.size());
    reader.feed(body);
    reader.finish();
    return elements;
}

void appendJsonString(std::string& out, std::string_view value)
{
    static constexpr char HEX[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0; // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < value.size(); ++i)
    {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(value.substr(plain, i - plain));
        plain = i + 1;
        switch (c)
        {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += HEX[c >> 4];
            out += HEX[c & 0xf];
        }
    }
    out.append(value.substr(plain));
    out += '"';
}

} // namespace courierd
