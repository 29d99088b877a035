#include "admin/v1/LedgerJson.h"

#include "courierd/Utf8.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

Poco::Dynamic::Var payloadJson(const std::string& payload)
{
    try
    {
        // Stored payloads were parsed once already; the parser's depth limit (128) bounds
        // this one.
        return Poco::JSON::Parser().parse(payload);
    }
    catch (const Poco::Exception&)
    {
        return payload; // a rejected record that was never JSON
    }
}

} // namespace

Poco::JSON::Object toJson(const InboxEntry& entry)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("source", entry.source);
    object.set("id", entry.id);
    object.set("state", entry.state);
    object.set("reason", orNull(entry.reason));
    object.set("attempts", entry.attempts);
    object.set("last_error", orNull(entry.lastError));
    object.set("created_at", entry.createdAt ? Poco::Dynamic::Var(rfc3339(*entry.createdAt))
                                             : Poco::Dynamic::Var());
    object.set("fetched_at", rfc3339(entry.fetchedAt));
    object.set("updated_at", rfc3339(entry.updatedAt));
    object.set("next_attempt_at", rfc3339(entry.nextAttemptAt));
    object.set("rechecked_at", entry.recheckedAt ? Poco::Dynamic::Var(rfc3339(*entry.recheckedAt))
                                                 : Poco::Dynamic::Var());
    object.set("recheck_verdict", orNull(entry.recheckVerdict));
    object.set("passed_over_at", entry.passedOverAt
                                     ? Poco::Dynamic::Var(rfc3339(*entry.passedOverAt))
                                     : Poco::Dynamic::Var());
    if (entry.payload)
        object.set("payload", payloadJson(*entry.payload));
    return object;
}

Poco::JSON::Object toJson(const DeliveryEntry& entry)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("id", entry.id);
    object.set("source", entry.source);
    object.set("order_id", entry.orderId);
    object.set("courier_id", entry.courierId);
    object.set("assigned_at", rfc3339(entry.assignedAt));
    object.set("deadline", rfc3339(entry.deadline));
    object.set("active", entry.active);
    object.set("rechecked_at", entry.recheckedAt ? Poco::Dynamic::Var(rfc3339(*entry.recheckedAt))
                                                 : Poco::Dynamic::Var());
    object.set("ended_at",
               entry.endedAt ? Poco::Dynamic::Var(rfc3339(*entry.endedAt)) : Poco::Dynamic::Var());
    object.set("end_reason", orNull(entry.endReason));
    return object;
}

void badQuery(const std::string& name, const std::string& value, const std::string& expected)
{
    throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_query",
                   name + " '" + clipped(value, 60) + "': " + expected};
}

void orderNotFound(const std::string& source, const std::string& id, const std::string& what)
{
    throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "order_not_found",
                   "source " + clipped(source, 100) + " has no " + what + clipped(id, 100)};
}

std::optional<bool> flag(const Exchange& exchange, const std::string& name)
{
    const auto value = exchange.query(name);
    if (!value)
        return std::nullopt;
    if (*value == "true")
        return true;
    if (*value == "false")
        return false;
    badQuery(name, *value, "must be true or false");
}

PageRequest pageRequest(const Exchange& exchange)
{
    PageRequest page;
    if (const auto limit = exchange.query("limit"))
    {
        const auto parsed = parseIdSegment(*limit);
        if (!parsed || *parsed < 1 || *parsed > LedgerLimits::MAX_LIMIT)
            badQuery("limit", *limit,
                     "must be a whole number from 1 to " + std::to_string(LedgerLimits::MAX_LIMIT));
        page.limit = static_cast<int>(*parsed);
    }
    page.after = exchange.query("after");
    return page;
}

std::optional<Poco::Int64> beforeId(const PageRequest& page)
{
    if (!page.after)
        return std::nullopt;
    const auto before = parseIdSegment(*page.after);
    if (!before)
        badQuery("after", *page.after, "not a page's \"next\"");
    return before;
}

} // namespace courierd
