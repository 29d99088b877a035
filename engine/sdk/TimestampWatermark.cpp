#include "courierd/TimestampWatermark.h"

#include "courierd/JsonArray.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "sdk/Internal.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <vector>

namespace courierd
{

namespace
{

// 3: the watermark and a fetch tag, no ids ({"watermark":…,"v":3,"watermark_us":N,"n":"hex"}):
// a cursor of the same size at any order rate and look-back. Still read: 2, "seen" grouping
// ids by time ({"<µs>":["id",…]}); 1, {"id":µs,…}.
constexpr int CURSOR_VERSION = 3;

// A fresh fetch tag: 64 random bits in hex.
std::string freshTag()
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random()));
    return text;
}

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
    std::string tag;

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
    void value(const std::string& text) override
    {
        if (_group)
            _seen[text] = *_group;
        else if (_depth == 1 && _key == "n")
            tag = text;
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

struct COURIERD_SDK_PRIVATE TimestampWatermark::State
{
    COURIERD_LAYOUT_PROBE
    Poco::Timespan lookback;
    Poco::Timestamp startFrom;
    Poco::Timestamp watermark;
    std::map<std::string, Poco::Timestamp::TimeVal> seen; // id → created_at, microseconds
    std::string tag;                                      // of the window cursor() writes
    std::string written;  // what cursor() returned last (or the cursor restored)
    bool changed = false; // an id was admitted since
};

TimestampWatermark::TimestampWatermark(Poco::Timespan lookback, Poco::Timestamp startFrom)
    : _s(std::make_unique<State>())
{
    _s->lookback = lookback;
    _s->startFrom = startFrom;
    _s->watermark = startFrom;
}

TimestampWatermark::~TimestampWatermark() = default;
TimestampWatermark::TimestampWatermark(TimestampWatermark&&) noexcept = default;
TimestampWatermark& TimestampWatermark::operator=(TimestampWatermark&&) noexcept = default;

TimestampWatermark::TimestampWatermark(const TimestampWatermark& other)
    : _s(std::make_unique<State>(*other._s))
{
}

TimestampWatermark& TimestampWatermark::operator=(const TimestampWatermark& other)
{
    if (this != &other)
        *_s = *other._s;
    return *this;
}

Poco::Timestamp TimestampWatermark::watermark() const
{
    return _s->watermark;
}

std::size_t TimestampWatermark::remembered() const
{
    return _s->seen.size();
}

void TimestampWatermark::restore(const std::string& cursor)
{
    // The cursor this instance wrote last, with nothing admitted since: the window it
    // remembers is the one that cursor stands for.
    if (!cursor.empty() && cursor == _s->written && !_s->changed)
        return;
    _s->watermark = _s->startFrom;
    _s->seen.clear();
    _s->written.clear();
    _s->tag.clear();
    _s->changed = false;
    if (cursor.empty())
        return;
    // Read as events, not into a document: a window of 100,000 ids is a cursor of megabytes.
    Poco::SharedPtr<CursorReader> reader = new CursorReader(_s->seen);
    try
    {
        Poco::JSON::Parser parser(reader);
        parser.parse(cursor);
    }
    catch (const Poco::Exception& e)
    {
        _s->seen.clear();
        throw Poco::SyntaxException("not a timestamp watermark cursor", e.displayText());
    }
    if (reader->version < 1 || reader->version > CURSOR_VERSION || !reader->watermark)
    {
        _s->seen.clear();
        throw Poco::SyntaxException("unknown cursor version");
    }
    _s->watermark = Poco::Timestamp(*reader->watermark);
    if (_s->watermark < _s->startFrom)
        _s->watermark = _s->startFrom;
    prune();
    // A tag is 16 hex digits as freshTag() writes them; any other (a cursor an operator wrote
    // by hand) is replaced at the next cursor(), never copied into one.
    const auto hex = [](const std::string& tag)
    { return tag.size() == 16 && tag.find_first_not_of("0123456789abcdef") == std::string::npos; };
    if (reader->version == CURSOR_VERSION && hex(reader->tag))
    {
        // Nothing admitted yet: cursor() writes this same cursor back.
        _s->tag = reader->tag;
        _s->written = cursor;
    }
}

Poco::Timestamp TimestampWatermark::from() const
{
    const Poco::Timestamp from = _s->watermark - _s->lookback.totalMicroseconds();
    return from < _s->startFrom ? _s->startFrom : from;
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
    if (!_s->seen.emplace(id, at).second)
        return false;
    if (createdAt > _s->watermark)
        _s->watermark = createdAt;
    _s->changed = true;
    return true;
}

void TimestampWatermark::prune()
{
    const auto oldest = from().epochMicroseconds();
    for (auto it = _s->seen.begin(); it != _s->seen.end();)
        it = it->second < oldest ? _s->seen.erase(it) : std::next(it);
}

std::string TimestampWatermark::cursor()
{
    prune();
    if (_s->changed || _s->tag.empty())
        _s->tag = freshTag();
    _s->changed = false;
    // Key order: what a person reading a log wants first.
    _s->written = "{\"watermark\":\"" + formatRfc3339(_s->watermark) +
                  "\",\"v\":" + std::to_string(CURSOR_VERSION) +
                  ",\"watermark_us\":" + std::to_string(_s->watermark.epochMicroseconds()) +
                  ",\"n\":\"" + _s->tag + "\"}";
    return _s->written;
}

std::string TimestampWatermark::cursorAt(Poco::Timestamp time) const
{
    TimestampWatermark at(_s->lookback, _s->startFrom);
    at._s->watermark = time + _s->lookback.totalMicroseconds();
    if (at._s->watermark < _s->startFrom)
        at._s->watermark = _s->startFrom;
    return at.cursor();
}

} // namespace courierd
