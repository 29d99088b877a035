#include "courierd/TimestampWatermark.h"

#include "courierd/Rfc3339.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace courierd
{

namespace
{

constexpr int CURSOR_VERSION = 1;

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
    try
    {
        const auto root = Poco::JSON::Parser().parse(cursor).extract<Poco::JSON::Object::Ptr>();
        if (!root || root->getValue<int>("v") != CURSOR_VERSION)
            throw Poco::SyntaxException("unknown cursor version");
        _watermark = Poco::Timestamp(root->getValue<Poco::Int64>("watermark_us"));
        if (_watermark < _startFrom)
            _watermark = _startFrom;
        if (auto seen = root->getObject("seen"))
            for (const auto& [id, value] : *seen)
                _seen[id] = value.convert<Poco::Int64>();
    }
    catch (const Poco::SyntaxException&)
    {
        throw;
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::SyntaxException("not a timestamp watermark cursor", e.displayText());
    }
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

std::string TimestampWatermark::cursor() const
{
    // Pruning here keeps admit() O(log n) and the stored cursor no larger than the window.
    auto self = *this;
    self.prune();
    // Key order kept, so that the cursor starts with what a person reading a log wants.
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("watermark", formatRfc3339(self._watermark));
    root.set("v", CURSOR_VERSION);
    root.set("watermark_us", static_cast<Poco::Int64>(self._watermark.epochMicroseconds()));
    Poco::JSON::Object seen;
    for (const auto& [id, at] : self._seen)
        seen.set(id, static_cast<Poco::Int64>(at));
    root.set("seen", seen);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

} // namespace courierd
