#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace courierd
{

/// Splits a JSON array that arrives in pieces (a streamed HTTP body) into the exact text of
/// each top-level element, without parsing them: a plugin can store every element verbatim and
/// parse each on its own, so that one malformed element is rejected while the others are kept.
/// Checks the array's own structure (brackets, strings, commas), not the elements' contents.
/// Memory: only the element being read, and at most `maxElementBytes` of it.
///
/// A value type; not thread-safe (one reader per body).
class JsonArrayReader
{
public:
    /// Called for each element, in order. `text` is valid during the call only. `truncated`:
    /// the element was longer than maxElementBytes and `text` is its first maxElementBytes.
    using Element = std::function<void(std::string_view text, bool truncated)>;

    explicit JsonArrayReader(Element element, std::size_t maxElementBytes = 1024 * 1024);

    /// Reads the next piece of the text. Throws Poco::SyntaxException saying what is wrong and
    /// at which byte offset of the whole text: not an array, unbalanced brackets, a missing
    /// comma, text after the array. Exceptions thrown by the element callback propagate.
    void feed(std::string_view piece);

    /// The text is complete. Throws Poco::SyntaxException if the array is not (an empty or
    /// truncated body).
    void finish();

    /// Elements passed to the callback so far.
    std::size_t elements() const { return _elements; }

    /// During the callback: the whole size of the element handed over, in bytes, also when it
    /// was truncated (only its first maxElementBytes were kept; the rest was skipped as it
    /// streamed by).
    std::size_t elementBytes() const { return _elementBytes; }

private:
    enum class Phase
    {
        Before, // expecting '['
        Inside,
        After, // after the closing ']': only white space may follow
    };
    enum class State // at depth 0, inside the array
    {
        Expect,
        Scalar,
        Done, // an element is complete; expecting ',' or ']'
    };

    void startElement(std::string_view piece, std::size_t at);
    void endElement(std::string_view piece, std::size_t end);
    [[noreturn]] void fail(const std::string& what, std::size_t at) const;

    Element _element;
    std::size_t _maxElementBytes;
    Phase _phase = Phase::Before;
    State _state = State::Expect;
    int _depth = 0;
    bool _inString = false;
    bool _escaped = false;
    bool _collecting = false; // an element is being read
    std::size_t _start = 0;   // where it started in the current piece
    std::size_t _startAt = 0; // where it started in the whole text
    std::size_t _elementBytes = 0;
    std::string _partial;    // its text from earlier pieces
    bool _truncated = false; // it outgrew maxElementBytes
    std::size_t _offset = 0; // bytes before the current piece
    std::size_t _elements = 0;
};

/// Appends `value` to `out` as a JSON string: quoted, with `"`, `\` and control characters
/// escaped; other bytes (UTF-8 included) are copied as they are. Pure; any thread.
void appendJsonString(std::string& out, std::string_view value);

/// The whole array at once: the exact text of each top-level element, as views into `body`.
/// Throws Poco::SyntaxException as JsonArrayReader does. Pure; any thread.
std::vector<std::string_view> splitJsonArray(std::string_view body);

} // namespace courierd
