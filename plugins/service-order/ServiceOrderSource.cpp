#include "ServiceOrderSource.h"

#include "OrderParser.h"
#include "courierd/Exceptions.h"
#include "courierd/JsonArray.h"
#include "courierd/RecordFields.h"
#include "courierd/RecordSink.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

#include <algorithm>
#include <unordered_map>

namespace service_order
{

namespace
{

const std::string ORDERS = "/public/api/v1/orders";
const std::string ORDER = "/public/api/v1/order/";
constexpr std::size_t MAX_LIMIT = 1u << 24;

// The content of every order of one answer by id, as hashes: an id that comes twice in one
// answer with different content is a broken answer, and the second is rejected rather than
// dropped as a repeat. Two hashes an order: bounded like the watermark's window.
class AnswerIds
{
public:
    // Whether `record` repeats an id of this answer with other content.
    bool conflicts(const courierd::Record& record)
    {
        const std::size_t content = std::hash<std::string>()(record.payload);
        const auto [it, added] = _content.emplace(std::hash<std::string>()(record.id), content);
        return !added && it->second != content;
    }

private:
    std::unordered_map<std::size_t, std::size_t> _content;
};

} // namespace

std::vector<courierd::ConfigKey> ServiceOrderSource::settings() const
{
    return ServiceOrderSettings::map().keys();
}

void ServiceOrderSource::initialize(courierd::SourceContext& context)
{
    _context = &context;
    _settings = ServiceOrderSettings::read(context);
    _fields.statuses = _settings.statuses; // the contract's fields: string ids, RFC3339 times
    // Retries end before the next poll is due: polls never pile up behind a failing service.
    _http = std::make_unique<courierd::HttpClient>(
        _settings.http.client(_settings.baseUrl, _settings.interval),
        [&context] { return context.stopRequested(); });
}

courierd::Batch ServiceOrderSource::fetch(const std::string& cursor)
{
    courierd::BatchCollector all;
    return all.merge(stream(cursor, all));
}

courierd::Batch ServiceOrderSource::stream(const std::string& cursor, courierd::RecordSink& sink)
{
    return _settings.cursorField == CursorField::CreatedAt ? streamByCreatedAt(cursor, sink)
                                                           : streamById(cursor, sink);
}

void ServiceOrderSource::request(const std::string& query, const std::function<void(Order&&)>& take)
{
    const std::string url = courierd::HttpClient::redacted(_settings.baseUrl + ORDERS + query);
    // An order from the future would move the watermark past every order still to come.
    const Poco::Timestamp latest = _context->now() + _settings.maxClockSkew.count() * 1000;
    const courierd::JsonArrayReader* self = nullptr;
    courierd::JsonArrayReader reader(
        [&](std::string_view element, bool truncated)
        {
            if (truncated)
                take(_settings.http.oversized(element, self->elementBytes()));
            else
                take(_fields.read(element, latest));
        },
        _settings.http.maxOrderBytes);
    self = &reader;
    try
    {
        _http->get(ORDERS + query, [&](std::string_view piece) { reader.feed(piece); });
        reader.finish();
    }
    catch (const Poco::SyntaxException& e)
    {
        throw courierd::SourceException(
            "GET " + url + ": the answer is not a JSON array of orders: " + e.message());
    }
}

std::vector<courierd::RecheckAnswer>
ServiceOrderSource::recheck(const std::vector<courierd::RecheckQuery>& orders)
{
    if (orders.size() > BY_ID_AT_MOST)
        return recheckByListing(orders);
    std::vector<courierd::RecheckAnswer> answers;
    std::vector<courierd::RecheckQuery> notFound;
    for (const auto& order : orders)
        if (auto answer = statusOf(order))
            answers.push_back(std::move(*answer));
        else
            notFound.push_back(order);
    if (!notFound.empty())
        for (auto& answer : recheckByListing(notFound))
            answers.push_back(std::move(answer));
    return answers;
}

std::optional<courierd::RecheckAnswer>
ServiceOrderSource::statusOf(const courierd::RecheckQuery& order)
{
    const std::string path = ORDER + courierd::HttpClient::encode(order.id) + "/status";
    std::string body;
    try
    {
        _http->get(path,
                   [&](std::string_view piece)
                   {
                       body.append(piece);
                       if (body.size() > MAX_STATUS_BYTES)
                           throw courierd::SourceException(
                               "GET " + courierd::HttpClient::redacted(_settings.baseUrl + path) +
                               ": the status answer is larger than " +
                               std::to_string(MAX_STATUS_BYTES) + " bytes");
                   });
    }
    catch (const courierd::HttpStatusException& e)
    {
        if (e.status() == 404)
            return std::nullopt;
        throw;
    }
    const auto status = parseStatus(body, "order_id");
    if (!status)
        return courierd::RecheckAnswer{order.id, courierd::Fate::Unknown,
                                       "the status answer is not {\"order_id\", \"status\"}: " +
                                           courierd::escapeUnstorable(courierd::clipped(body, 80))};
    if (status->id != order.id)
        return courierd::RecheckAnswer{order.id, courierd::Fate::Unknown,
                                       "the status answer is about another order"};
    return fateOf(order.id, status->status, _settings.statuses, knownStatuses());
}

std::vector<courierd::RecheckAnswer>
ServiceOrderSource::recheckByListing(const std::vector<courierd::RecheckQuery>& orders)
{
    // What the listing said of each asked order: memory bounded by the orders, not the listing.
    struct Listed
    {
        std::optional<std::string> status;
        bool twice = false; // listed again with another status
    };
    std::unordered_map<std::string, Listed> asked;
    Poco::Timestamp oldest = orders.empty() ? _context->now() : orders.front().createdAt;
    for (const auto& order : orders)
    {
        asked.emplace(order.id, Listed{});
        oldest = std::min(oldest, order.createdAt);
    }
    // A whole second: the filter compares against stored times finer than the ones shown.
    const Poco::Timestamp from((oldest.epochMicroseconds() / 1000000) * 1000000);
    const std::string query =
        "?from=" + courierd::HttpClient::encode(courierd::formatRfc3339(from));
    std::size_t unreadable = 0; // elements without a readable id and status
    courierd::JsonArrayReader reader(
        [&](std::string_view element, bool truncated)
        {
            const auto status = truncated ? std::nullopt : parseStatus(element, "id");
            if (!status)
            {
                ++unreadable;
                return;
            }
            const auto it = asked.find(status->id);
            if (it == asked.end())
                return;
            if (it->second.status && *it->second.status != status->status)
                it->second.twice = true;
            it->second.status = status->status;
        },
        _settings.http.maxOrderBytes);
    try
    {
        _http->get(ORDERS + query, [&](std::string_view piece) { reader.feed(piece); });
        reader.finish();
    }
    catch (const Poco::SyntaxException& e)
    {
        throw courierd::SourceException(
            "GET " + courierd::HttpClient::redacted(_settings.baseUrl + ORDERS + query) +
            ": the answer is not a JSON array of orders: " + e.message());
    }

    std::vector<courierd::RecheckAnswer> answers;
    for (const auto& order : orders)
    {
        const Listed& listed = asked.at(order.id);
        if (listed.twice)
            answers.push_back({order.id, courierd::Fate::Unknown,
                               "listed more than once, with different statuses"});
        else if (listed.status)
            answers.push_back(
                fateOf(order.id, *listed.status, _settings.statuses, knownStatuses()));
        else if (unreadable > 0)
            // It may be one of the elements that could not be read.
            answers.push_back({order.id, courierd::Fate::Unknown,
                               "not in the listing, which held " + std::to_string(unreadable) +
                                   " element(s) without a readable id and status"});
        else
            answers.push_back({order.id, courierd::Fate::Gone, "not listed by service-order"});
    }
    return answers;
}

std::string ServiceOrderSource::cursorAt(const Poco::Timestamp& time)
{
    if (_settings.cursorField != CursorField::CreatedAt)
        throw courierd::UnsupportedException(
            "cursor_field = id: the cursor is the last order id, which no time maps to");
    return courierd::TimestampWatermark(Poco::Timespan(_settings.lookback.count() * 1000),
                                        _settings.startFrom)
        .cursorAt(time);
}

courierd::Batch ServiceOrderSource::streamByCreatedAt(const std::string& cursor,
                                                      courierd::RecordSink& sink)
{
    // The window as the last fetch left it, when the engine hands that fetch's cursor back:
    // parsing a cursor of 100,000 ids on every tick would cost more than the tick. It is
    // forgotten first, so that a fetch that fails half-way restores from the cursor next time
    // (the start's empty cursor included: it never stands for a window).
    const bool cached = _mark && !_markCursor.empty() && cursor == _markCursor;
    _markCursor.clear();
    if (!cached)
    {
        _mark.emplace(Poco::Timespan(_settings.lookback.count() * 1000), _settings.startFrom);
        try
        {
            _mark->restore(cursor);
        }
        catch (const Poco::SyntaxException& e)
        {
            _mark.reset();
            throw courierd::SourceException("stored cursor is not this plugin's: " + e.message());
        }
    }
    courierd::TimestampWatermark& mark = *_mark;

    // The filter compares against stored times finer than the whole seconds answers show: a
    // `from` on a whole second never skips an order shown with that second.
    const Poco::Timestamp from =
        Poco::Timestamp::fromEpochTime(mark.from().epochMicroseconds() / 1'000'000);
    const std::string query =
        "?from=" + courierd::HttpClient::encode(courierd::formatRfc3339(from));
    courierd::Batch batch;
    if (_settings.pageSize > 0)
        batch = pagesByCreatedAt(mark, query);
    else
        batch = streamWhole(mark, query, sink);
    _markCursor = batch.cursor;
    return batch;
}

// One answer, however large: orders go to the engine as they are read. The watermark moves
// only with the batch returned last, after all of them are stored.
courierd::Batch ServiceOrderSource::streamWhole(courierd::TimestampWatermark& mark,
                                                const std::string& query,
                                                courierd::RecordSink& sink)
{
    courierd::PendingParts pending = _settings.http.parts(&sink);
    AnswerIds ids;
    request(query,
            [&](Order&& order)
            {
                if (auto* reject = std::get_if<courierd::Reject>(&order))
                    pending.add(std::move(*reject));
                else if (auto& record = std::get<courierd::Record>(order); ids.conflicts(record))
                    pending.add(courierd::Reject{record.id, std::move(record.payload),
                                                 "appears twice in one answer with different "
                                                 "content; the first was kept"});
                else if (mark.admit(record.id, record.createdAt))
                    pending.add(std::move(record));
            });
    return pending.rest(mark.cursor(), false);
}

// With pagination a page is bounded by its limit: it is read whole, then judged.
courierd::Batch ServiceOrderSource::pagesByCreatedAt(courierd::TimestampWatermark& mark,
                                                     const std::string& query)
{
    courierd::Batch batch;
    std::vector<Order> page;
    for (std::size_t limit = static_cast<std::size_t>(_settings.pageSize);; limit *= 2)
    {
        page.clear();
        request(query + "&limit=" + std::to_string(limit),
                [&](Order&& order) { page.push_back(std::move(order)); });
        if (page.size() < limit)
            break;
        // A full page: more may be ready. A full page with nothing new is one second holding
        // more orders than a page: ask again with a larger limit rather than loop or skip.
        courierd::TimestampWatermark probe = mark;
        for (const auto& item : page)
            if (const auto* record = std::get_if<courierd::Record>(&item))
                batch.more = probe.admit(record->id, record->createdAt) || batch.more;
        if (batch.more || limit >= MAX_LIMIT)
            break;
    }

    for (auto& item : page)
    {
        if (auto* reject = std::get_if<courierd::Reject>(&item))
            batch.rejects.push_back(std::move(*reject));
        else if (auto& record = std::get<courierd::Record>(item);
                 mark.admit(record.id, record.createdAt))
            batch.records.push_back(std::move(record));
    }
    batch.cursor = mark.cursor();
    return batch;
}

courierd::Batch ServiceOrderSource::streamById(const std::string& cursor,
                                               courierd::RecordSink& sink)
{
    std::string query = cursor.empty() ? "" : "?after_id=" + courierd::HttpClient::encode(cursor);
    if (_settings.pageSize > 0)
        query += (query.empty() ? "?" : "&") + std::string("limit=") +
                 std::to_string(_settings.pageSize);

    courierd::PendingParts pending = _settings.http.parts(&sink);
    std::string last = cursor;
    std::size_t elements = 0;
    request(query,
            [&](Order&& order)
            {
                ++elements;
                if (auto* reject = std::get_if<courierd::Reject>(&order))
                    pending.add(std::move(*reject));
                else if (auto& record = std::get<courierd::Record>(order);
                         cursor.empty() || courierd::idAfter(record.id, cursor))
                {
                    if (last.empty() || courierd::idAfter(record.id, last))
                        last = record.id;
                    pending.add(std::move(record));
                }
            });
    const bool more = _settings.pageSize > 0 &&
                      elements >= static_cast<std::size_t>(_settings.pageSize) && last != cursor;
    return pending.rest(last, more);
}

} // namespace service_order
