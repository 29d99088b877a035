#include "ServiceOrderSource.h"

#include "OrderParser.h"
#include "courierd/Exceptions.h"
#include "courierd/JsonArray.h"
#include "courierd/Rfc3339.h"
#include "courierd/TimestampWatermark.h"

namespace service_order
{

namespace
{

const std::string ORDERS = "/public/api/v1/orders";
constexpr std::size_t MAX_LIMIT = 1u << 24;

// Ids that are all digits compare as numbers; others as text.
bool idAfter(const std::string& id, const std::string& cursor)
{
    const bool numeric = !id.empty() && !cursor.empty() &&
                         id.find_first_not_of("0123456789") == std::string::npos &&
                         cursor.find_first_not_of("0123456789") == std::string::npos;
    if (numeric && id.size() != cursor.size())
        return id.size() > cursor.size();
    return id > cursor;
}

} // namespace

std::vector<courierd::ConfigKey> ServiceOrderSource::settings() const
{
    return ServiceOrderSettings::keys();
}

void ServiceOrderSource::initialize(courierd::SourceContext& context)
{
    _context = &context;
    _settings = ServiceOrderSettings::read(context);
    courierd::HttpClientOptions options;
    options.baseUrl = _settings.baseUrl;
    options.timeout = _settings.timeout;
    options.retryCount = _settings.retryCount;
    options.maxResponseBytes = _settings.maxResponseBytes;
    // Retries end before the next poll is due: polls never pile up behind a failing service.
    options.budget = _settings.interval;
    _http = std::make_unique<courierd::HttpClient>(options,
                                                   [&context] { return context.stopRequested(); });
}

courierd::Batch ServiceOrderSource::fetch(const std::string& cursor)
{
    return _settings.cursorField == CursorField::CreatedAt ? fetchByCreatedAt(cursor)
                                                           : fetchById(cursor);
}

std::vector<std::string_view> ServiceOrderSource::request(const std::string& query,
                                                          std::string& body)
{
    body = _http->get(ORDERS + query).body;
    try
    {
        return courierd::splitJsonArray(body);
    }
    catch (const Poco::SyntaxException& e)
    {
        throw courierd::SourceException(
            "GET " + _settings.baseUrl + ORDERS + query +
            ": the answer is not a JSON array of orders: " + e.message());
    }
}

courierd::Batch ServiceOrderSource::fetchByCreatedAt(const std::string& cursor)
{
    courierd::TimestampWatermark mark(Poco::Timespan(_settings.lookback.count() * 1000),
                                      _settings.startFrom);
    try
    {
        mark.restore(cursor);
    }
    catch (const Poco::SyntaxException& e)
    {
        throw courierd::SourceException("stored cursor is not this plugin's: " + e.message());
    }

    // The filter compares against stored times finer than the whole seconds answers show: a
    // `from` on a whole second never skips an order shown with that second.
    const Poco::Timestamp from =
        Poco::Timestamp::fromEpochTime(mark.from().epochMicroseconds() / 1'000'000);
    std::string query = "?from=" + courierd::HttpClient::encode(courierd::formatRfc3339(from));

    courierd::Batch batch;
    std::string body;
    std::vector<std::variant<courierd::Record, courierd::Reject>> parsed;
    for (std::size_t limit = static_cast<std::size_t>(_settings.pageSize);; limit *= 2)
    {
        const auto elements =
            request(limit == 0 ? query : query + "&limit=" + std::to_string(limit), body);
        parsed.clear();
        for (auto element : elements)
            parsed.push_back(parseOrder(element, _settings.statuses));
        if (limit == 0 || elements.size() < limit)
            break;
        // A full page: more may be ready. A full page with nothing new is one second holding
        // more orders than a page: ask again with a larger limit rather than loop or skip.
        courierd::TimestampWatermark probe = mark;
        for (const auto& item : parsed)
            if (const auto* record = std::get_if<courierd::Record>(&item))
                batch.more = probe.admit(record->id, record->createdAt) || batch.more;
        if (batch.more || limit >= MAX_LIMIT)
            break;
    }

    for (auto& item : parsed)
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

courierd::Batch ServiceOrderSource::fetchById(const std::string& cursor)
{
    std::string query = cursor.empty() ? "" : "?after_id=" + courierd::HttpClient::encode(cursor);
    if (_settings.pageSize > 0)
        query += (query.empty() ? "?" : "&") + std::string("limit=") +
                 std::to_string(_settings.pageSize);
    std::string body;
    const auto elements = request(query, body);

    courierd::Batch batch;
    batch.cursor = cursor;
    for (auto element : elements)
    {
        auto parsed = parseOrder(element, _settings.statuses);
        if (auto* reject = std::get_if<courierd::Reject>(&parsed))
            batch.rejects.push_back(std::move(*reject));
        else
        {
            auto& record = std::get<courierd::Record>(parsed);
            if (!cursor.empty() && !idAfter(record.id, cursor))
                continue;
            if (batch.cursor.empty() || idAfter(record.id, batch.cursor))
                batch.cursor = record.id;
            batch.records.push_back(std::move(record));
        }
    }
    batch.more = _settings.pageSize > 0 && elements.size() >= std::size_t(_settings.pageSize) &&
                 batch.cursor != cursor;
    return batch;
}

} // namespace service_order
