#include "courierd/JsonArray.h"

#include <Poco/Exception.h>

#include <string>

namespace courierd
{

namespace
{

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

[[noreturn]] void fail(const std::string& what, std::size_t offset)
{
    throw Poco::SyntaxException(what + " at byte " + std::to_string(offset));
}

} // namespace

// Skips the string starting at body[pos] ('"'); returns the offset just past its end.
std::size_t skipString(std::string_view body, std::size_t pos)
{
    for (++pos; pos < body.size() && body[pos] != '"'; ++pos)
        if (body[pos] == '\\')
            ++pos;
    if (pos >= body.size())
        fail("unterminated string (truncated body?)", body.size());
    return pos + 1;
}

std::vector<std::string_view> splitJsonArray(std::string_view body)
{
    std::size_t pos = 0;
    while (pos < body.size() && isSpace(body[pos]))
        ++pos;
    if (pos == body.size())
        fail("empty body where a JSON array was expected", pos);
    if (body[pos] != '[')
        fail(std::string("expected a JSON array, found '") + body[pos] + "'", pos);
    ++pos;

    // At depth 0 the splitter is expecting an element, inside a scalar, or after an element.
    enum class State
    {
        Expect,
        Scalar,
        After
    };
    State state = State::Expect;
    std::vector<std::string_view> elements;
    std::size_t start = 0;
    std::size_t end = 0;
    int depth = 0;
    const auto close = [&](std::size_t at)
    {
        if (state == State::Scalar)
            end = at;
        elements.push_back(body.substr(start, end - start));
    };

    for (; pos < body.size(); ++pos)
    {
        const char c = body[pos];
        if (depth > 0)
        {
            if (c == '"')
                pos = skipString(body, pos) - 1;
            else if (c == '[' || c == '{')
                ++depth;
            else if ((c == ']' || c == '}') && --depth == 0)
            {
                state = State::After;
                end = pos + 1;
            }
            continue;
        }
        if (isSpace(c))
        {
            if (state == State::Scalar)
            {
                state = State::After;
                end = pos;
            }
            continue;
        }
        if (c == ',')
        {
            if (state == State::Expect)
                fail("empty element", pos);
            close(pos);
            state = State::Expect;
            continue;
        }
        if (c == ']')
        {
            if (state == State::Expect && !elements.empty())
                fail("trailing ',' before ']'", pos);
            if (state != State::Expect)
                close(pos);
            for (++pos; pos < body.size(); ++pos)
                if (!isSpace(body[pos]))
                    fail("text after the array", pos);
            return elements;
        }
        if (c == '}')
            fail("unbalanced '}'", pos);
        if (state == State::After)
            fail("missing ',' between elements", pos);
        if (state == State::Scalar)
            continue;
        start = pos;
        if (c == '"')
        {
            pos = skipString(body, pos) - 1;
            end = pos + 1;
            state = State::After;
        }
        else if (c == '[' || c == '{')
        {
            depth = 1;
            state = State::After; // complete once depth is back to 0
        }
        else
            state = State::Scalar;
    }
    fail("unterminated array (truncated body?)", body.size());
}

} // namespace courierd
