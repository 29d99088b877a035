#include "sources/RecordScreen.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

namespace courierd
{

namespace
{

constexpr std::size_t ID_IN_REASON = 64;
constexpr std::size_t REASON_BYTES = 1024;

std::optional<std::string> notText(const char* what, std::string_view text)
{
    const auto bad = firstUnstorableByte(text);
    if (!bad)
        return std::nullopt;
    return std::string(what) + " is not UTF-8 text: byte " + std::to_string(*bad) + " of " +
           std::to_string(text.size()) +
           (text[*bad] == '\0' ? " is a NUL" : " is not part of a UTF-8 character");
}

} // namespace

RecordScreen::RecordScreen(Poco::Timestamp now, Duration maxClockSkew)
    : _latest(now + maxClockSkew.count() * 1000)
    , _maxClockSkew(maxClockSkew)
{
}

std::optional<std::string> RecordScreen::unstorable(const Record& record) const
{
    if (record.id.empty())
        return "empty id";
    if (record.id.size() > MAX_RECORD_ID_BYTES)
        return "id longer than " + std::to_string(MAX_RECORD_ID_BYTES) + " bytes (" +
               std::to_string(record.id.size()) + ")";
    if (auto why = notText("id", record.id))
        return why;
    if (auto why = notText("payload", record.payload))
        return why;
    if (auto why = notText("reason", record.reason))
        return why;
    if (record.createdAt.epochMicroseconds() < 0)
        return "created_at " + formatRfc3339(record.createdAt) + " is before 1970";
    if (record.createdAt > _latest)
        return "created_at " + formatRfc3339(record.createdAt) +
               " is later than now + max_clock_skew (" + formatDuration(_maxClockSkew) + ")";
    return std::nullopt;
}

Reject RecordScreen::storable(std::string_view id, std::string_view payload,
                              std::string_view reason)
{
    Reject reject;
    reject.id = clipped(id, MAX_RECORD_ID_BYTES);
    std::string why = id.empty() ? std::string() : "id " + clipped(id, ID_IN_REASON) + ": ";
    why += clipped(reason, REASON_BYTES);
    if (const auto bad = firstUnstorableByte(payload))
    {
        reject.payload = escapeUnstorable(payload);
        why += " (payload of " + std::to_string(payload.size()) +
               " bytes stored with bytes that are not UTF-8 text written as \\xNN; the first at "
               "byte " +
               std::to_string(*bad) + ")";
    }
    else
        reject.payload = payload;
    reject.reason = std::move(why);
    return reject;
}

} // namespace courierd
