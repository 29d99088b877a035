#include "ledger/Ledger.h"

#include "courierd/Record.h"
#include "courierd/Utf8.h"
#include "ledger/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Transaction.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <sstream>

namespace courierd
{

using namespace sql::ledger;

using namespace Poco::Data::Keywords;

namespace
{

/// A page key of the inbox: where the previous page ended.
struct InboxKey
{
    Poco::Int64 fetchedAt = 0;
    std::string source;
    std::string id;
};

std::string base64url(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

std::string encode(const InboxKey& key)
{
    Poco::JSON::Array array;
    array.add(key.fetchedAt);
    array.add(key.source);
    array.add(key.id);
    std::ostringstream json;
    array.stringify(json);
    return base64url(json.str());
}

[[noreturn]] void badToken(const std::string& token)
{
    throw ValidationException(
        "after '" + clipped(token, 60) +
        "' is not a page token of this list: pass a page's \"next\" as it is");
}

InboxKey decodeInboxKey(const std::string& token)
{
    // A key is three short fields: anything much longer is not one of ours.
    if (token.size() > 4 * (2 * MAX_RECORD_ID_BYTES + 64) / 3)
        badToken(token);
    try
    {
        std::istringstream in(token);
        Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        const std::string json{std::istreambuf_iterator<char>(decoder), {}};
        const auto array = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
        // A time PostgreSQL can hold (1970 to 9999): anything else was a 500 from the query.
        constexpr Poco::Int64 YEAR_10000_US = 253402300800LL * 1000000;
        if (!array || array->size() != 3 || !array->get(0).isInteger() ||
            array->get(0).isBoolean() || !array->get(1).isString() || !array->get(2).isString() ||
            array->get(0).convert<Poco::Int64>() < 0 ||
            array->get(0).convert<Poco::Int64>() >= YEAR_10000_US)
            badToken(token);
        return {array->get(0).convert<Poco::Int64>(), array->get(1).convert<std::string>(),
                array->get(2).convert<std::string>()};
    }
    catch (const ValidationException&)
    {
        throw;
    }
    catch (const Poco::Exception&)
    {
        badToken(token);
    }
}

Poco::Int64 decodeDeliveryKey(const std::string& token)
{
    Poco::Int64 id = 0;
    if (token.empty() || token.size() > 18 ||
        !std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        !Poco::NumberParser::tryParse64(token, id))
        badToken(token);
    return id;
}

/// Text PostgreSQL can hold and a record id can be: anything else matches no row.
bool storable(const std::string& text)
{
    return text.size() <= MAX_RECORD_ID_BYTES && !firstUnstorableByte(text);
}

void checkFilter(const char* what, const std::optional<std::string>& value)
{
    if (value && !storable(*value))
        throw ValidationException(std::string(what) + " '" + clipped(*value, 60) + "': no such " +
                                  what + " can exist (not UTF-8, a NUL, or over " +
                                  std::to_string(MAX_RECORD_ID_BYTES) + " bytes)");
}

void checkLimit(int limit)
{
    if (limit < 1 || limit > Ledger::MAX_LIMIT)
        throw ValidationException("limit " + std::to_string(limit) + ": must be 1 to " +
                                  std::to_string(Ledger::MAX_LIMIT));
}

void checkState(const std::string& state)
{
    const auto& states = Ledger::states();
    if (std::find(states.begin(), states.end(), state) == states.end())
        throw ValidationException("state '" + clipped(state, 40) +
                                  "': must be one of pending, assigned, skipped, failed, rejected");
}

std::optional<std::string> textOrNone(Poco::Data::RecordSet& rows, std::size_t column,
                                      std::size_t row)
{
    if (rows.isNull(column, row))
        return std::nullopt;
    return rows.value(column, row).convert<std::string>();
}

Poco::Timestamp micros(Poco::Data::RecordSet& rows, std::size_t column, std::size_t row)
{
    return Poco::Timestamp(rows.value(column, row).convert<Poco::Int64>());
}

std::vector<InboxEntry> readInbox(Poco::Data::Statement& statement, bool withPayload)
{
    statement.execute();
    Poco::Data::RecordSet rows(statement);
    std::vector<InboxEntry> entries;
    entries.reserve(rows.rowCount());
    for (std::size_t row = 0; row < rows.rowCount(); ++row)
    {
        InboxEntry entry;
        entry.source = rows.value(0, row).convert<std::string>();
        entry.id = rows.value(1, row).convert<std::string>();
        entry.state = rows.value(2, row).convert<std::string>();
        entry.reason = textOrNone(rows, 3, row);
        entry.attempts = rows.value(4, row).convert<int>();
        entry.lastError = textOrNone(rows, 5, row);
        if (!rows.isNull(6, row))
            entry.createdAt = micros(rows, 6, row);
        entry.fetchedAt = micros(rows, 7, row);
        entry.updatedAt = micros(rows, 8, row);
        entry.nextAttemptAt = micros(rows, 9, row);
        if (!rows.isNull(10, row))
            entry.recheckedAt = micros(rows, 10, row);
        entry.recheckVerdict = textOrNone(rows, 11, row);
        if (!rows.isNull(12, row))
            entry.passedOverAt = micros(rows, 12, row);
        if (withPayload)
            entry.payload = textOrNone(rows, 13, row);
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<DeliveryEntry> readDeliveries(Poco::Data::Statement& statement)
{
    statement.execute();
    Poco::Data::RecordSet rows(statement);
    std::vector<DeliveryEntry> entries;
    entries.reserve(rows.rowCount());
    for (std::size_t row = 0; row < rows.rowCount(); ++row)
    {
        DeliveryEntry entry;
        entry.id = rows.value(0, row).convert<Poco::Int64>();
        entry.courierId = rows.value(1, row).convert<Poco::Int64>();
        entry.source = rows.value(2, row).convert<std::string>();
        entry.orderId = rows.value(3, row).convert<std::string>();
        entry.assignedAt = micros(rows, 4, row);
        entry.deadline = micros(rows, 5, row);
        entry.active = rows.value(6, row).convert<bool>();
        if (!rows.isNull(7, row))
            entry.recheckedAt = micros(rows, 7, row);
        if (!rows.isNull(8, row))
            entry.endedAt = micros(rows, 8, row);
        entry.endReason = textOrNone(rows, 9, row);
        entries.push_back(std::move(entry));
    }
    return entries;
}

} // namespace

const std::vector<std::string>& Ledger::states()
{
    static const std::vector<std::string> all{"pending", "assigned", "skipped", "failed",
                                              "rejected"};
    return all;
}

Ledger::Ledger(Database& database)
    : _database(database)
{
}

std::optional<OrderLedger> Ledger::order(const std::string& source, const std::string& id)
{
    if (!storable(source) || !storable(id))
        return std::nullopt;
    std::string from = source;
    std::string order = id;
    auto session = _database.session();
    Poco::Data::Statement inbox(session);
    inbox << ORDER, use(from), use(order);
    auto rows = readInbox(inbox, true);
    if (rows.empty())
        return std::nullopt;
    OrderLedger ledger{std::move(rows.front()), std::nullopt, {}};
    Poco::Data::Statement delivery(session);
    delivery << DELIVERY, use(from), use(order);
    if (auto found = readDeliveries(delivery); !found.empty())
        ledger.delivery = std::move(found.front());
    Poco::Data::Statement unassigns(session);
    int most = OrderLedger::MAX_UNASSIGNMENTS;
    unassigns << UNASSIGNMENTS, use(from), use(order), use(most);
    unassigns.execute();
    Poco::Data::RecordSet done(unassigns);
    for (std::size_t row = 0; row < done.rowCount(); ++row)
    {
        UnassignmentEntry entry;
        entry.at = Poco::Timestamp(done.value(0, row).convert<Poco::Int64>());
        entry.courierId = done.value(1, row).convert<Poco::Int64>();
        entry.assignedAt = Poco::Timestamp(done.value(2, row).convert<Poco::Int64>());
        entry.requeued = done.value(3, row).convert<int>() == 1;
        entry.reason = done.value(4, row).convert<std::string>();
        entry.remote = done.value(5, row).convert<std::string>();
        ledger.unassignments.push_back(std::move(entry));
    }
    return ledger;
}

Page<InboxEntry> Ledger::inbox(const InboxFilter& filter, int limit,
                               const std::optional<std::string>& after)
{
    checkLimit(limit);
    checkFilter("source", filter.source);
    if (filter.state)
        checkState(*filter.state);
    std::optional<InboxKey> key;
    if (after)
        key = decodeInboxKey(*after);

    const InboxPageShape shape{filter.source.has_value(), filter.state.has_value(),
                               key.has_value()};
    auto session = _database.session();
    Poco::Data::Statement statement(session);
    statement << inboxPage(shape), use(limit);
    std::string source = filter.source.value_or("");
    std::string state = filter.state.value_or("");
    if (shape.source)
        statement, use(source);
    if (shape.state)
        statement, use(state);
    if (key)
    {
        statement, use(key->fetchedAt);
        if (!shape.source)
            statement, use(key->source);
        statement, use(key->id);
    }
    Page<InboxEntry> page{readInbox(statement, false), std::nullopt};
    if (static_cast<int>(page.items.size()) == limit)
    {
        const InboxEntry& last = page.items.back();
        page.next = encode({last.fetchedAt.epochMicroseconds(), last.source, last.id});
    }
    return page;
}

Page<DeliveryEntry> Ledger::deliveries(const DeliveryFilter& filter, int limit,
                                       const std::optional<std::string>& after)
{
    checkLimit(limit);
    checkFilter("source", filter.source);
    std::optional<Poco::Int64> key;
    if (after)
        key = decodeDeliveryKey(*after);
    using Active = DeliveryPageShape::Active;
    const DeliveryPageShape shape{filter.source.has_value(), filter.courierId.has_value(),
                                  key.has_value(),
                                  !filter.active   ? Active::Any
                                  : *filter.active ? Active::Yes
                                                   : Active::No,
                                  !filter.ended   ? DeliveryPageShape::Ended::Any
                                  : *filter.ended ? DeliveryPageShape::Ended::Yes
                                                  : DeliveryPageShape::Ended::No};
    auto session = _database.session();
    Poco::Data::Statement statement(session);
    statement << deliveryPage(shape), use(limit);
    std::string source = filter.source.value_or("");
    Poco::Int64 courier = filter.courierId.value_or(0);
    Poco::Int64 afterId = key.value_or(0);
    if (shape.source)
        statement, use(source);
    if (shape.courier)
        statement, use(courier);
    if (shape.after)
        statement, use(afterId);
    Page<DeliveryEntry> page{readDeliveries(statement), std::nullopt};
    if (static_cast<int>(page.items.size()) == limit)
        page.next = std::to_string(page.items.back().id);
    return page;
}

RetryOutcome Ledger::retry(const RetryRequest& request)
{
    if (!request.ids.empty() && !request.source)
        throw ValidationException("ids name records of one source: give \"source\" with them");
    if (request.ids.size() > MAX_RETRY_IDS)
        throw ValidationException("ids: at most " + std::to_string(MAX_RETRY_IDS) +
                                  " at a time, got " + std::to_string(request.ids.size()));
    checkFilter("source", request.source);
    for (const auto& id : request.ids)
        checkFilter("id", id);
    auto session = _database.session();
    RetryOutcome outcome;
    std::string source = request.source.value_or("");
    if (!request.ids.empty())
    {
        Poco::JSON::Array ids;
        for (const auto& id : request.ids)
            ids.add(id);
        std::ostringstream json;
        ids.stringify(json);
        std::string list = json.str();
        session << RETRY_IDS, use(source), use(list), into(outcome.requeued), into(outcome.left),
            into(outcome.missing), now;
    }
    else if (request.source)
        session << RETRY_SOURCE, use(source), into(outcome.requeued), now;
    else
        session << RETRY_ALL, into(outcome.requeued), now;
    return outcome;
}

} // namespace courierd
