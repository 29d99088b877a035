#pragma once

#include "courierd/Export.h"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
/// Not thread-safe (one reader per body). Its state is private (a pointer to it): the SDK may
/// change it without a new ABI version.
class COURIERD_SDK_API JsonArrayReader
{
public:
    /// Called for each element, in order. `text` is valid during the call only. `truncated`:
    /// the element was longer than maxElementBytes and `text` is its first maxElementBytes.
    using Element = std::function<void(std::string_view text, bool truncated)>;

    explicit JsonArrayReader(Element element, std::size_t maxElementBytes = 1024 * 1024);
    ~JsonArrayReader();
    JsonArrayReader(JsonArrayReader&&) noexcept;
    JsonArrayReader& operator=(JsonArrayReader&&) noexcept;

    /// Reads the next piece of the text. Throws Poco::SyntaxException saying what is wrong and
    /// at which byte offset of the whole text: not an array, unbalanced brackets, a missing
    /// comma, text after the array. Exceptions thrown by the element callback propagate.
    void feed(std::string_view piece);

    /// The text is complete. Throws Poco::SyntaxException if the array is not (an empty or
    /// truncated body).
    void finish();

    /// Elements passed to the callback so far.
    std::size_t elements() const;

    /// During the callback: the whole size of the element handed over, in bytes, also when it
    /// was truncated (only its first maxElementBytes were kept; the rest was skipped as it
    /// streamed by).
    std::size_t elementBytes() const;

private:
    friend class JsonRecordsReader;
    struct State;
    std::unique_ptr<State> _state;
};

/// The records of an answer that wraps them in an envelope (`{"data": {"orders": [...]},
/// "next_page": 3}`): streams the elements of the array at a dotted path of object keys
/// (`data.orders`) as JsonArrayReader does, exact text and bounded memory, and keeps the scalar
/// values found elsewhere in the document (outside every array) by their dotted path, for the
/// paging fields beside the records (`next_page`, `meta.cursor`). An empty path: the document
/// is the array itself. A `null` at the path is an empty list. Keys are compared as written
/// (escapes are not decoded), and a key with a dot cannot be named.
///
/// Bounds, whatever the document: an element as JsonArrayReader's maxElementBytes, a scalar
/// kept at 8 KiB (a longer one is not kept), 256 scalars kept, objects nested at most 64 deep
/// (deeper fails), keys of 256 bytes (longer are not kept). Not thread-safe (one reader per
/// body); its state is private.
class COURIERD_SDK_API JsonRecordsReader
{
public:
    using Element = JsonArrayReader::Element;

    /// `path`: dotted object keys, or empty for a document that is the array.
    JsonRecordsReader(std::string path, Element element, std::size_t maxElementBytes = 1024 * 1024);
    ~JsonRecordsReader();
    JsonRecordsReader(JsonRecordsReader&&) noexcept;
    JsonRecordsReader& operator=(JsonRecordsReader&&) noexcept;

    /// Reads the next piece. Throws Poco::SyntaxException saying what is wrong and at which
    /// byte: the document's structure (as JsonArrayReader), something other than an array or
    /// null at the path, the path twice, nesting past 64. The element callback's exceptions
    /// propagate.
    void feed(std::string_view piece);

    /// The document is complete. Throws Poco::SyntaxException if it is not, or if the path was
    /// not in it (`no array at 'data.orders'`).
    void finish();

    /// Elements passed to the callback so far.
    std::size_t elements() const;

    /// During the callback: the element's whole size in bytes (JsonArrayReader::elementBytes()).
    std::size_t elementBytes() const;

    /// The scalar at `path` read so far: a string's decoded value, a number's or a boolean's
    /// text; nothing for `null`, for a path not (yet) read, or for a value too long to keep.
    std::optional<std::string> scalar(const std::string& path) const;

    /// Every scalar kept, by path, as JSON text (a string with its quotes and escapes).
    const std::map<std::string, std::string>& scalars() const;

private:
    struct State;
    std::unique_ptr<State> _state;
};

/// Appends `value` to `out` as a JSON string: quoted, with `"`, `\` and control characters
/// escaped; other bytes (UTF-8 included) are copied as they are. Pure; any thread.
COURIERD_SDK_API void appendJsonString(std::string& out, std::string_view value);

/// The whole array at once: the exact text of each top-level element, as views into `body`.
/// Throws Poco::SyntaxException as JsonArrayReader does. Pure; any thread.
COURIERD_SDK_API std::vector<std::string_view> splitJsonArray(std::string_view body);

} // namespace courierd
