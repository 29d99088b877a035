#include "courierd/JsonArray.h"

#include "sdk/Internal.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

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

struct COURIERD_SDK_PRIVATE JsonArrayReader::State
{
    COURIERD_LAYOUT_PROBE
    enum class Phase
    {
        Before, // expecting '['
        Inside,
        After, // after the closing ']': only white space may follow
    };
    enum class State_ // at depth 0, inside the array
    {
        Expect,
        Scalar,
        Done, // an element is complete; expecting ',' or ']'
    };

    // Reads `piece`; `nested` (an array inside an envelope): stops after the closing ']' and
    // returns how many bytes of the piece were the array's.
    std::size_t feed(std::string_view piece, bool nested);
    void finish() const;
    void startElement(std::size_t at);
    void endElement(std::string_view piece, std::size_t end);
    [[noreturn]] void fail(const std::string& what, std::size_t at) const;

    Element element;
    std::size_t maxElementBytes = 0;
    Phase phase = Phase::Before;
    State_ state = State_::Expect;
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    bool collecting = false; // an element is being read
    std::size_t start = 0;   // where it started in the current piece
    std::size_t startAt = 0; // where it started in the whole text
    std::size_t elementBytes = 0;
    std::string partial;    // its text from earlier pieces
    bool truncated = false; // it outgrew maxElementBytes
    std::size_t offset = 0; // bytes before the current piece
    std::size_t elements = 0;
};

JsonArrayReader::JsonArrayReader(Element element, std::size_t maxElementBytes)
    : _state(std::make_unique<State>())
{
    _state->element = std::move(element);
    _state->maxElementBytes = maxElementBytes;
}

JsonArrayReader::~JsonArrayReader() = default;
JsonArrayReader::JsonArrayReader(JsonArrayReader&&) noexcept = default;
JsonArrayReader& JsonArrayReader::operator=(JsonArrayReader&&) noexcept = default;

std::size_t JsonArrayReader::elements() const
{
    return _state->elements;
}

std::size_t JsonArrayReader::elementBytes() const
{
    return _state->elementBytes;
}

void JsonArrayReader::feed(std::string_view piece)
{
    _state->feed(piece, false);
}

void JsonArrayReader::finish()
{
    _state->finish();
}

void JsonArrayReader::State::fail(const std::string& what, std::size_t at) const
{
    throw Poco::SyntaxException(what + " at byte " + std::to_string(at));
}

void JsonArrayReader::State::startElement(std::size_t at)
{
    collecting = true;
    start = at;
    startAt = offset + at;
    partial.clear();
    truncated = false;
}

void JsonArrayReader::State::endElement(std::string_view piece, std::size_t end)
{
    collecting = false;
    state = State_::Done;
    ++elements;
    elementBytes = offset + end - startAt;
    if (partial.empty() && !truncated)
    {
        // The whole element is in this piece: hand it over without copying.
        const std::size_t length = std::min(end - start, maxElementBytes);
        element(piece.substr(start, length), end - start > maxElementBytes);
        return;
    }
    if (!truncated)
    {
        const std::size_t room = maxElementBytes - partial.size();
        partial.append(piece.substr(start, std::min(end - start, room)));
        truncated = end - start > room;
    }
    element(partial, truncated);
    partial.clear();
}

std::size_t JsonArrayReader::State::feed(std::string_view piece, bool nested)
{
    std::size_t pos = 0;
    const auto at = [&] { return offset + pos; };
    for (; pos < piece.size(); ++pos)
    {
        const char c = piece[pos];
        if (inString)
        {
            // Inside a string (of an element at any depth): only its end matters.
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
            {
                inString = false;
                if (depth == 0)
                    endElement(piece, pos + 1);
            }
            continue;
        }
        if (phase == Phase::Before)
        {
            if (isSpace(c))
                continue;
            if (c != '[')
                fail(std::string("expected a JSON array, found '") + c + "'", at());
            phase = Phase::Inside;
            continue;
        }
        if (phase == Phase::After)
        {
            if (!isSpace(c))
                fail("text after the array", at());
            continue;
        }
        if (depth > 0)
        {
            if (c == '"')
                inString = true;
            else if (c == '[' || c == '{')
                ++depth;
            else if ((c == ']' || c == '}') && --depth == 0)
                endElement(piece, pos + 1);
            continue;
        }
        if (isSpace(c))
        {
            if (state == State_::Scalar)
                endElement(piece, pos);
            continue;
        }
        if (c == ',')
        {
            if (state == State_::Expect)
                fail("empty element", at());
            if (state == State_::Scalar)
                endElement(piece, pos);
            state = State_::Expect;
            continue;
        }
        if (c == ']')
        {
            if (state == State_::Expect && elements > 0)
                fail("trailing ',' before ']'", at());
            if (state == State_::Scalar)
                endElement(piece, pos);
            phase = Phase::After;
            if (nested)
            {
                ++pos;
                break;
            }
            continue;
        }
        if (c == '}')
            fail("unbalanced '}'", at());
        if (state == State_::Done)
            fail("missing ',' between elements", at());
        if (state == State_::Scalar)
            continue;
        startElement(pos);
        if (c == '"')
            inString = true;
        else if (c == '[' || c == '{')
            depth = 1;
        else
            state = State_::Scalar;
    }
    if (collecting && !truncated)
    {
        // Carry the element's text read so far over to the next piece.
        const std::size_t room = maxElementBytes - partial.size();
        partial.append(piece.substr(start, std::min(pos - start, room)));
        truncated = pos - start > room;
    }
    start = 0;
    offset += pos;
    return pos;
}

void JsonArrayReader::State::finish() const
{
    if (phase == Phase::Before)
        fail("empty body where a JSON array was expected", offset);
    if (inString)
        fail("unterminated string (truncated body?)", offset);
    if (phase == Phase::Inside)
        fail("unterminated array (truncated body?)", offset);
}

struct COURIERD_SDK_PRIVATE JsonRecordsReader::State
{
    COURIERD_LAYOUT_PROBE
    static constexpr std::size_t MAX_SCALAR = 8 * 1024;
    static constexpr std::size_t MAX_SCALARS = 256;
    static constexpr std::size_t MAX_KEY = 256;
    static constexpr std::size_t MAX_DEPTH = 64;

    enum class Expect
    {
        Value,      // a value (the document's, a member's, an element's)
        ValueOrEnd, // after '['
        KeyOrEnd,   // after '{'
        Key,        // after ',' in an object
        Colon,      // after a key
        CommaOrEnd, // after a value inside an object or array
        Nothing,    // after the document's value: white space only
    };
    struct Frame
    {
        bool object = true;
        std::string path;  // of this container ("" for the document); in arrays: unused
        bool named = true; // every container above and this one is an object, keys kept
    };

    void feed(std::string_view piece);
    void finish() const;
    void value(char c, std::size_t at);
    void endValue();
    void endToken();
    [[noreturn]] void fail(const std::string& what, std::size_t at) const;
    // The path a value gets now: the innermost object's path and its current key; empty
    // optional inside an array or under a key not kept.
    std::optional<std::string> valuePath() const;

    std::string path;
    JsonArrayReader records;
    bool inRecords = false; // the array at `path` is being read
    bool recordsSeen = false;
    std::vector<Frame> frames;
    std::string key; // the current member's key (the innermost object's)
    bool keyKept = true;
    Expect expect = Expect::Value;
    // A token being read: a key, a string value or a bare scalar (number, literal).
    enum class Token
    {
        None,
        Key,
        String,
        Bare,
    } token = Token::None;
    bool escaped = false;
    std::string text; // the token's text so far, at most MAX_SCALAR (+1: too long)
    std::optional<std::string> tokenPath;
    std::size_t offset = 0;
    std::map<std::string, std::string> scalars;

    State(std::string p, Element element, std::size_t maxElementBytes)
        : path(std::move(p))
        , records(std::move(element), maxElementBytes)
    {
    }
};

void JsonRecordsReader::State::fail(const std::string& what, std::size_t at) const
{
    throw Poco::SyntaxException(what + " at byte " + std::to_string(at));
}

std::optional<std::string> JsonRecordsReader::State::valuePath() const
{
    if (frames.empty())
        return std::string();
    const Frame& top = frames.back();
    if (!top.object || !top.named || !keyKept)
        return std::nullopt;
    return top.path.empty() ? key : top.path + "." + key;
}

void JsonRecordsReader::State::endValue()
{
    expect = frames.empty() ? Expect::Nothing : Expect::CommaOrEnd;
}

void JsonRecordsReader::State::endToken()
{
    const Token was = token;
    token = Token::None;
    if (was == Token::Key)
    {
        keyKept = text.size() <= MAX_KEY;
        key = keyKept ? text : std::string();
        expect = Expect::Colon;
        return;
    }
    // A scalar value. At the records' path only `null` (an empty list) may stand.
    if (tokenPath && *tokenPath == path)
    {
        if (was == Token::String || text != "null")
            fail("'" + path + "' holds " +
                     (was == Token::String ? "a string" : text.substr(0, 40)) +
                     ", not an array of records",
                 offset);
        if (recordsSeen)
            fail("'" + path + "' appears twice", offset);
        recordsSeen = true;
    }
    // Kept when it has a path (outside every array), is not too long, and there is room.
    else if (tokenPath && !tokenPath->empty() && text.size() <= MAX_SCALAR &&
             (scalars.count(*tokenPath) || scalars.size() < MAX_SCALARS))
        scalars[*tokenPath] = was == Token::String ? "\"" + text + "\"" : text;
    endValue();
}

void JsonRecordsReader::State::value(char c, std::size_t at)
{
    tokenPath = valuePath();
    if (c == '{' || c == '[')
    {
        if (c == '[' && tokenPath && *tokenPath == path)
        {
            if (recordsSeen)
                fail("'" + path + "' appears twice", at);
            recordsSeen = true;
            inRecords = true;
            records._state->phase = JsonArrayReader::State::Phase::Inside; // '[' is read
            return;
        }
        if (frames.size() >= MAX_DEPTH)
            fail("nested deeper than " + std::to_string(MAX_DEPTH), at);
        const bool object = c == '{';
        frames.push_back({object, tokenPath.value_or(std::string()), tokenPath.has_value()});
        expect = object ? Expect::KeyOrEnd : Expect::ValueOrEnd;
        return;
    }
    if (c != '"' && c != '-' && !(c >= '0' && c <= '9') && c != 't' && c != 'f' && c != 'n')
        fail(std::string("unexpected '") + c + "'", at);
    text.clear();
    token = c == '"' ? Token::String : Token::Bare;
    if (token == Token::Bare)
        text += c;
}

void JsonRecordsReader::State::feed(std::string_view piece)
{
    std::size_t pos = 0;
    while (pos < piece.size())
    {
        if (inRecords)
        {
            records._state->offset = offset;
            const std::size_t used = records._state->feed(piece.substr(pos), true);
            pos += used;
            offset += used;
            if (records._state->phase == JsonArrayReader::State::Phase::After)
            {
                inRecords = false;
                endValue();
            }
            continue;
        }
        const char c = piece[pos];
        const std::size_t at = offset;
        ++pos;
        ++offset;
        if (token == Token::Key || token == Token::String)
        {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
            {
                endToken();
                continue;
            }
            if (text.size() <= MAX_SCALAR)
                text += c;
            continue;
        }
        if (token == Token::Bare)
        {
            if (!isSpace(c) && c != ',' && c != '}' && c != ']')
            {
                if (c == '"' || c == '{' || c == '[' || c == ':')
                    fail(std::string("unexpected '") + c + "'", at);
                if (text.size() <= MAX_SCALAR)
                    text += c;
                continue;
            }
            endToken(); // and the delimiter is read below
        }
        if (isSpace(c))
            continue;
        switch (expect)
        {
        case Expect::Nothing:
            fail("text after the document", at);
        case Expect::ValueOrEnd:
            if (c == ']')
            {
                frames.pop_back();
                endValue();
                break;
            }
            value(c, at);
            break;
        case Expect::Value:
            value(c, at);
            break;
        case Expect::KeyOrEnd:
        case Expect::Key:
            if (c == '}' && expect == Expect::KeyOrEnd)
            {
                frames.pop_back();
                endValue();
                break;
            }
            if (c != '"')
                fail(std::string("expected a key, found '") + c + "'", at);
            text.clear();
            token = Token::Key;
            break;
        case Expect::Colon:
            if (c != ':')
                fail(std::string("expected ':', found '") + c + "'", at);
            expect = Expect::Value;
            break;
        case Expect::CommaOrEnd:
        {
            const bool object = frames.back().object;
            if (c == ',')
                expect = object ? Expect::Key : Expect::Value;
            else if (c == (object ? '}' : ']'))
            {
                frames.pop_back();
                endValue();
            }
            else
                fail(std::string("expected ',' or '") + (object ? '}' : ']') + "', found '" + c +
                         "'",
                     at);
            break;
        }
        }
    }
}

void JsonRecordsReader::State::finish() const
{
    if (inRecords)
        records._state->finish(); // says what is unterminated
    if (token == Token::Key || token == Token::String)
        fail("unterminated string (truncated body?)", offset);
    if (expect == Expect::Value && frames.empty() && token == Token::None)
        fail("empty body where a JSON document was expected", offset);
    if (!frames.empty())
        fail(std::string("unterminated ") + (frames.back().object ? "object" : "array") +
                 " (truncated body?)",
             offset);
    if (!recordsSeen && token == Token::None)
        fail("no array at '" + path + "'", offset);
}

JsonRecordsReader::JsonRecordsReader(std::string path, Element element, std::size_t maxElementBytes)
    : _state(std::make_unique<State>(std::move(path), std::move(element), maxElementBytes))
{
}

JsonRecordsReader::~JsonRecordsReader() = default;
JsonRecordsReader::JsonRecordsReader(JsonRecordsReader&&) noexcept = default;
JsonRecordsReader& JsonRecordsReader::operator=(JsonRecordsReader&&) noexcept = default;

void JsonRecordsReader::feed(std::string_view piece)
{
    if (_state->path.empty())
        _state->records.feed(piece);
    else
        _state->feed(piece);
}

void JsonRecordsReader::finish()
{
    if (_state->path.empty())
    {
        _state->records.finish();
        return;
    }
    // A bare scalar ends with the text: `{"a":1` is still unterminated, but a document that
    // is one bare scalar (`42`) ends here.
    if (_state->token == State::Token::Bare)
        _state->endToken();
    _state->finish();
}

std::size_t JsonRecordsReader::elements() const
{
    return _state->records.elements();
}

std::size_t JsonRecordsReader::elementBytes() const
{
    return _state->records.elementBytes();
}

const std::map<std::string, std::string>& JsonRecordsReader::scalars() const
{
    return _state->scalars;
}

std::optional<std::string> JsonRecordsReader::scalar(const std::string& path) const
{
    const auto it = _state->scalars.find(path);
    if (it == _state->scalars.end() || it->second == "null")
        return std::nullopt;
    if (it->second.empty() || it->second.front() != '"')
        return it->second;
    try
    {
        // As the one element of an array: POCO's parser reads no bare string as a document.
        const auto array =
            Poco::JSON::Parser().parse("[" + it->second + "]").extract<Poco::JSON::Array::Ptr>();
        return array->getElement<std::string>(0);
    }
    catch (const Poco::Exception&)
    {
        return std::nullopt; // not a valid string (a bad escape)
    }
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
