#include "courierd/TimestampWatermark.h"

#include "courierd/JsonArray.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <optional>
#include <vector>

namespace courierd
{

namespace
{

// 2: "seen" groups ids by time ({"<µs>":["id",…]}), as most share a whole second; 1 (still
// read): {"id":µs,…}.
constexpr int CURSOR_VERSION = 2;

// Fills a window from a stored cursor:
// {"watermark":…,"v":2,"watermark_us":N,"seen":{"N":["id",…],…}} or, version 1, "seen":{"id":N,…}.
class CursorReader : public Poco::JSON::Handler
{
public:
    explicit CursorReader(std::map<std::string, Poco::Timestamp::TimeVal>& seen)
        : _seen(seen)
    {
    }

    std::optional<Poco::Int64> watermark;
    int version = 0;

    void reset() override {}
    void startObject() override
    {
        ++_depth;
        _inSeen = _depth == 2 && _key == "seen";
    }
    void endObject() override
    {
        --_depth;
        _inSeen = false;
    }
    void startArray() override
    {
        ++_depth;
        _group.reset();
        if (_inSeen && _depth == 3)
            _group = Poco::NumberParser::parse64(_key); // throws for a key that is no time
    }
    void endArray() override
    {
        --_depth;
        _group.reset();
    }
    void key(const std::string& k) override { _key = k; }
    void null() override {}
    void value(int v) override { number(v); }
    void value(unsigned v) override { number(v); }
    void value(Poco::Int64 v) override { number(v); }
    void value(Poco::UInt64 v) override { number(static_cast<Poco::Int64>(v)); }
    void value(const std::string& id) override
    {
        if (_group)
            _seen[id] = *_group;
    }
    void value(double) override {}
    void value(bool) override {}

private:
    void number(Poco::Int64 v)
    {
        if (_inSeen && _depth == 2)
            _seen[_key] = v; // version 1
        else if (_depth == 1 && _key == "v")
            version = static_cast<int>(v);
        else if (_depth == 1 && _key == "watermark_us")
            watermark = v;
    }

    std::map<std::string, Poco::Timestamp::TimeVal>& _seen;
    std::string _key;
    int _depth = 0;
    bool _inSeen = false;
    std::optional<Poco::Int64> _group; // inside "seen": the time of the ids being read
};

} // namespace

TimestampWatermark::TimestampWatermark(Poco::Timespan lookback, Poco::Timestamp startFrom)
    : _lookback(lookback)
    , _startFrom(startFrom)
    , _watermark(startFrom)
{
}

void TimestampWatermark::restore(const std::string& cursor)
{
    _watermark = _startFrom;
    _seen.clear();
    if (cursor.empty())
        return;
    // Read as events, not into a document: a window of 100,000 ids is a cursor of megabytes.
    Poco::SharedPtr<CursorReader> reader = new CursorReader(_seen);
    try
    {
        Poco::JSON::Parser parser(reader);
        parser.parse(cursor);
    }
    catch (const Poco::Exception& e)
    {
        _seen.clear();
        throw Poco::SyntaxException("not a timestamp watermark cursor", e.displayText());
    }
    if (reader->version < 1 || reader->version > CURSOR_VERSION || !reader->watermark)
    {
        _seen.clear();
        throw Poco::SyntaxException("unknown cursor version");
    }
    _watermark = Poco::Timestamp(*reader->watermark);
    if (_watermark < _startFrom)
        _watermark = _startFrom;
    prune();
}

Poco::Timestamp TimestampWatermark::from() const
{
    const Poco::Timestamp from = _watermark - _lookback.totalMicroseconds();
    return from < _startFrom ? _startFrom : from;
}

bool TimestampWatermark::admit(const std::string& id, Poco::Timestamp createdAt)
{
    const auto at = createdAt.epochMicroseconds();
    if (createdAt < from())
        return true; // Behind the window: never seen by this cursor, the inbox deduplicates.
    // Found by fuzzing: "\xff" was written into the cursor as it was, and restore() (or the
    // store) refused that cursor on every later fetch: the source stopped for good.
    if (firstUnstorableByte(id))
        return true;
    if (!_seen.emplace(id, at).second)
        return false;
    if (createdAt > _watermark)
        _watermark = createdAt;
    return true;
}

void TimestampWatermark::prune()
{
    const auto oldest = from().epochMicroseconds();
    for (auto it = _seen.begin(); it != _seen.end();)
        it = it->second < oldest ? _seen.erase(it) : std::next(it);
}

std::string TimestampWatermark::cursor()
{
    // Written by hand: a window of 100,000 ids would be a DOM of tens of megabytes. Key order:
    // what a person reading a log wants first.
    prune();
    std::map<Poco::Timestamp::TimeVal, std::vector<const std::string*>> byTime;
    for (const auto& [id, at] : _seen)
        byTime[at].push_back(&id);
    std::string out;
    out.reserve(96 + byTime.size() * 24 + _seen.size() * 40);
    out += "{\"watermark\":\"" + formatRfc3339(_watermark) +
           "\",\"v\":" + std::to_string(CURSOR_VERSION) +
           ",\"watermark_us\":" + std::to_string(_watermark.epochMicroseconds()) + ",\"seen\":{";
    const char* groupComma = "";
    for (const auto& [at, ids] : byTime)
    {
        out += groupComma;
        groupComma = ",";
        out += '"' + std::to_string(at) + "\":[";
        const char* comma = "";
        for (const auto* id : ids)
        {
            out += comma;
            comma = ",";
            appendJsonString(out, *id);
        }
        out += ']';
    }
    out += "}}";
    return out;
}

} // namespace courierd
