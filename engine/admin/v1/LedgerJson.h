#pragma once

#include "admin/JsonHandler.h"
#include "ledger/LedgerRows.h"

namespace courierd
{

/// What the ledger's resources (orders, inbox, deliveries) share: how an inbox row and a
/// delivery are written, and how a list request asks for a page.

/// An inbox row; with its payload when it has one read (the payload as JSON; a rejected
/// record that is not JSON as a string).
Poco::JSON::Object toJson(const InboxEntry& entry);
Poco::JSON::Object toJson(const DeliveryEntry& entry);

/// `?limit=` (1 to LedgerLimits::MAX_LIMIT, default LedgerLimits::DEFAULT_LIMIT) and `?after=`.
struct PageRequest
{
    int limit = LedgerLimits::DEFAULT_LIMIT;
    std::optional<std::string> after;
};
PageRequest pageRequest(const Exchange& exchange);

/// The `?after=` of a list of rows keyed by id, newest first (cursor changes, replays): the id
/// the page starts below; 400 `bad_query` for a token that is not a page's `next`.
std::optional<Poco::Int64> beforeId(const PageRequest& page);

/// `{"items": […], "next"}` of such a list: `next` is the last row's id when the page is full.
template <typename T, typename Write>
Poco::JSON::Object idPage(const std::vector<T>& rows, const PageRequest& page, Write write)
{
    Poco::JSON::Array items;
    for (const auto& row : rows)
        items.add(write(row));
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("items", items);
    body.set("next", static_cast<int>(rows.size()) == page.limit
                         ? Poco::Dynamic::Var(std::to_string(rows.back().id))
                         : Poco::Dynamic::Var());
    return body;
}

/// `{"items": […], "next": "…" | null}`.
template <typename T> Poco::JSON::Object toJson(const Page<T>& page)
{
    Poco::JSON::Array items;
    for (const auto& item : page.items)
        items.add(toJson(item));
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("items", items);
    body.set("next", orNull(page.next));
    return body;
}

/// A 400 `bad_query` about the query parameter `name`.
[[noreturn]] void badQuery(const std::string& name, const std::string& value,
                           const std::string& expected);

/// A 404 `order_not_found`: `source` has no `what` (e.g. "order ") `id`.
[[noreturn]] void orderNotFound(const std::string& source, const std::string& id,
                                const std::string& what);

/// The query parameter `name` as `true` or `false`; 400 `bad_query` for anything else.
std::optional<bool> flag(const Exchange& exchange, const std::string& name);

} // namespace courierd
