// http-json: a source configured, not programmed. Reads the orders of any HTTP JSON API from
// its keys (HttpJsonSettings): where the records are in an answer, their fields and formats,
// the cursor (a created_at watermark with a look-back, or growing ids), the paging, fixed
// query parameters and headers (secrets from files). Built on the SDK's kit alone, as a third
// party would build it: HttpClient (retries, the stop flag), JsonRecordsReader (streamed),
// Paginator (the page kept in the cursor, loops ended), TimestampWatermark and RecordFields.
#include "HttpJsonSettings.h"

#include <Poco/Logger.h>
#include <Poco/URI.h>

#include <courierd/Exceptions.h>
#include <courierd/HttpClient.h>
#include <courierd/JsonArray.h>
#include <courierd/Plugin.h>
#include <courierd/RecordFields.h>
#include <courierd/RecordSink.h>
#include <courierd/TimestampWatermark.h>
#include <courierd/Utf8.h>
#include <memory>
#include <optional>

namespace http_json
{

namespace
{

courierd::PageStyle styleOf(Paging paging)
{
    switch (paging)
    {
    case Paging::LimitOffset:
        return courierd::PageStyle::LimitOffset;
    case Paging::NextLink:
        return courierd::PageStyle::NextLink;
    case Paging::CursorToken:
        return courierd::PageStyle::CursorToken;
    default:
        return courierd::PageStyle::PageNumber;
    }
}

} // namespace

class HttpJsonSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override
    {
        return HttpJsonSettings::map().keys();
    }

    void initialize(courierd::SourceContext& context) override
    {
        _context = &context;
        _settings = HttpJsonSettings::map().read(context);
        _settings.interval = context.getDuration("interval");
        _settings.maxClockSkew = context.getDuration("max_clock_skew");
        if (_settings.path.empty() || _settings.path.front() != '/')
            throw courierd::ConfigException(context.describe("path") + ": start it with /");
        if (!_settings.statusPath.empty() &&
            (_settings.statusPath.front() != '/' ||
             _settings.statusPath.find("{id}") == std::string::npos))
            throw courierd::ConfigException(context.describe("status_path") +
                                            ": a path starting with / that holds {id}");
        if (_settings.cursorField == CursorField::Id &&
            (_settings.pagination == Paging::LimitOffset || _settings.pagination == Paging::Page))
            throw courierd::ConfigException(
                context.describe("pagination") +
                ": with cursor_field = id each page asks from the last id; use none, "
                "next_link or cursor_token");

        // Retries end before the next poll is due.
        courierd::HttpClientOptions http =
            _settings.http.client(_settings.baseUrl, _settings.interval);
        for (const auto& [name, value] : _settings.headers)
            http.headers.emplace_back(name, value);
        for (const auto& [name, value] : _settings.secretHeaders)
            http.headers.emplace_back(name, value);
        _http = std::make_unique<courierd::HttpClient>(http, [&context]
                                                       { return context.stopRequested(); });
        for (const auto& [name, value] : _settings.query)
            _fixedQuery += "&" + courierd::HttpClient::encode(name) + "=" +
                           courierd::HttpClient::encode(value);

        _fields.id = _settings.idField;
        _fields.integerIds = true;
        _fields.createdAt = _settings.createdAtField;
        _fields.createdAtFormat = _settings.createdAtFormat;
        // No statuses: every order needs a courier, whatever its status says.
        _fields.status = _settings.statuses.empty() ? "" : _settings.statusField;
        _fields.statuses = _settings.statuses;

        if (_settings.pagination != Paging::None)
        {
            courierd::Paginator::Options paging;
            paging.style = styleOf(_settings.pagination);
            paging.pageSize = static_cast<std::size_t>(_settings.pageSize);
            paging.firstPage = _settings.firstPage;
            paging.limitParam = _settings.limitParam;
            paging.offsetParam = _settings.offsetParam;
            paging.pageParam = _settings.pageParam;
            paging.sizeParam = _settings.sizeParam;
            paging.tokenParam = _settings.tokenParam;
            paging.maxPages = static_cast<std::size_t>(_settings.maxPages);
            paging.warn = [&context](const std::string& why) { context.logger().warning(why); };
            _pages.emplace(paging);
        }
        _mark.emplace(Poco::Timespan(_settings.lookback.count() * 1000), _settings.startFrom);
    }

    courierd::Batch fetch(const std::string& cursor) override
    {
        courierd::BatchCollector all;
        return all.merge(stream(cursor, all));
    }

    // Without paging one answer is streamed to `sink` in parts; with paging one page a fetch,
    // returned whole with its cursor (more while the run goes on).
    courierd::Batch stream(const std::string& cursor, courierd::RecordSink& sink) override
    {
        const std::string inner = _pages ? restorePages(cursor) : cursor;
        std::string last; // cursor_field = id: the last id stored
        if (_settings.cursorField == CursorField::CreatedAt)
            restoreMark(inner);
        else
            last = inner;
        const std::string from =
            _settings.cursorField == CursorField::CreatedAt
                ? courierd::formatTime(wholeSecond(_mark->from()), _settings.cursorFormat)
                : last;
        if (_pages)
            _pages->begin(from);
        const std::string asked = _pages ? _pages->from() : from;

        // The request: the page's link, or the path with the cursor, the fixed parameters and
        // the page's.
        std::string target;
        if (_pages && !_pages->link().empty())
            target = _pages->link();
        else
        {
            std::string query = asked.empty()
                                    ? ""
                                    : "&" + courierd::HttpClient::encode(_settings.cursorParam) +
                                          "=" + courierd::HttpClient::encode(asked);
            query += _fixedQuery;
            if (_pages && !_pages->query().empty())
                query += "&" + _pages->query();
            target = _settings.path + (query.empty() ? "" : "?" + query.substr(1));
        }

        const Poco::Timestamp latest = _context->now() + _settings.maxClockSkew.count() * 1000;
        courierd::PendingParts pending = _settings.http.parts(_pages ? nullptr : &sink);
        const courierd::JsonRecordsReader* self = nullptr;
        courierd::JsonRecordsReader reader(
            _settings.recordsPath,
            [&](std::string_view element, bool truncated)
            { take(pending, element, truncated, latest, self->elementBytes(), last); },
            _settings.http.maxOrderBytes);
        self = &reader;
        courierd::HttpResponse answer;
        try
        {
            answer = _http->get(target, [&](std::string_view piece) { reader.feed(piece); });
            reader.finish();
        }
        catch (const Poco::SyntaxException& e)
        {
            throw courierd::SourceException(
                "GET " + courierd::HttpClient::redacted(_settings.baseUrl + target) +
                ": the answer is not JSON with the orders at " +
                (_settings.recordsPath.empty() ? std::string("its top level")
                                               : "'" + _settings.recordsPath + "'") +
                ": " + e.message());
        }

        bool more = false;
        if (_pages)
            more = pageStyle() && _settings.nextField.empty()
                       ? _pages->advance(reader.elements()) // a run ends at an empty page
                       : _pages->advance(reader.elements(), nextOf(reader, answer));
        const std::string own =
            _settings.cursorField == CursorField::CreatedAt ? _mark->cursor() : last;
        return pending.rest(_pages ? _pages->cursor(own) : own, more);
    }

    std::string cursorAt(const Poco::Timestamp& time) override
    {
        if (_settings.cursorField != CursorField::CreatedAt)
            throw courierd::UnsupportedException(
                "cursor_field = id: the cursor is the last order id, which no time maps to");
        return _mark->cursorAt(time);
    }

    bool rechecks() const override { return !_settings.statusPath.empty(); }

    // One GET of status_path an order (at most recheck_batch of them), judged by the status
    // it shows; 404 is gone.
    std::vector<courierd::RecheckAnswer>
    recheck(const std::vector<courierd::RecheckQuery>& orders) override
    {
        std::vector<courierd::RecheckAnswer> answers;
        for (const auto& order : orders)
        {
            std::string path = _settings.statusPath;
            path.replace(path.find("{id}"), 4, courierd::HttpClient::encode(order.id));
            std::string body;
            try
            {
                _http->get(path,
                           [&](std::string_view piece)
                           {
                               body.append(piece);
                               if (body.size() > _settings.http.maxOrderBytes)
                                   throw courierd::SourceException(
                                       "GET " +
                                       courierd::HttpClient::redacted(_settings.baseUrl + path) +
                                       ": an order larger than max_order_bytes");
                           });
            }
            catch (const courierd::HttpStatusException& e)
            {
                if (e.status() != 404)
                    throw;
                answers.push_back({order.id, courierd::Fate::Gone, "not found at the source"});
                continue;
            }
            answers.push_back(fateOf(order.id, body));
        }
        return answers;
    }

private:
    static Poco::Timestamp wholeSecond(Poco::Timestamp time)
    {
        // The filter may compare against stored times finer than the seconds answers show.
        return Poco::Timestamp((time.epochMicroseconds() / 1'000'000) * 1'000'000);
    }

    std::string restorePages(const std::string& cursor)
    {
        try
        {
            return _pages->restore(cursor);
        }
        catch (const Poco::SyntaxException& e)
        {
            throw courierd::SourceException("stored cursor is not this plugin's: " + e.message());
        }
    }

    void restoreMark(const std::string& cursor)
    {
        try
        {
            _mark->restore(cursor);
        }
        catch (const Poco::SyntaxException& e)
        {
            throw courierd::SourceException("stored cursor is not this plugin's: " + e.message());
        }
    }

    // What the answer says of the next page: a link (a field, or the Link header), a token,
    // or for the offset and page styles a field that is null on the last page.
    std::string nextOf(const courierd::JsonRecordsReader& reader,
                       const courierd::HttpResponse& answer) const
    {
        switch (_settings.pagination)
        {
        case Paging::NextLink:
            return sameOrigin(_settings.nextField.empty()
                                  ? answer.nextLink()
                                  : reader.scalar(_settings.nextField).value_or(""));
        case Paging::CursorToken:
            return reader.scalar(_settings.tokenField).value_or("");
        default:
            return reader.scalar(_settings.nextField).value_or("");
        }
    }

    // A next link to another server ends the run (said once a run): the client would refuse
    // it on every fetch, and the source would never be read again.
    std::string sameOrigin(const std::string& link) const
    {
        if (link.empty() || link.front() == '/')
            return link;
        try
        {
            const Poco::URI to(link), base(_settings.baseUrl);
            if (to.getHost() == base.getHost() && to.getPort() == base.getPort() &&
                to.getScheme() == base.getScheme())
                return link;
        }
        catch (const Poco::SyntaxException&)
        {
        }
        _context->logger().warning("the source gave a next link to another server, '" +
                                   courierd::escapeUnstorable(courierd::clipped(link, 200)) +
                                   "': the run of pages ends here");
        return "";
    }

    bool pageStyle() const
    {
        return _settings.pagination == Paging::LimitOffset || _settings.pagination == Paging::Page;
    }

    void take(courierd::PendingParts& pending, std::string_view element, bool truncated,
              Poco::Timestamp latest, std::size_t bytes, std::string& last)
    {
        if (_pages)
            _pages->saw(element);
        if (truncated)
        {
            pending.add(_settings.http.oversized(element, bytes));
            return;
        }
        auto read = _fields.read(element, latest);
        auto* record = std::get_if<courierd::Record>(&read);
        if (!record)
            pending.add(std::get<courierd::Reject>(std::move(read)));
        else if (_settings.cursorField == CursorField::CreatedAt)
        {
            if (_mark->admit(record->id, record->createdAt))
                pending.add(std::move(*record));
        }
        else if (last.empty() || courierd::idAfter(record->id, last))
        {
            last = record->id;
            pending.add(std::move(*record));
        }
    }

    // The order as status_path shows it (the order, or only its status), judged by its status
    // as at a first read.
    courierd::RecheckAnswer fateOf(const std::string& id, const std::string& body) const
    {
        std::vector<courierd::JsonField> fields;
        bool object = false;
        try
        {
            object =
                courierd::readJsonFields(body, {_settings.idField, _settings.statusField}, fields);
        }
        catch (const Poco::Exception&)
        {
        }
        const auto& status = fields.size() == 2 ? fields[1] : courierd::JsonField{};
        if (!object || !status.text || status.number)
            return {id, courierd::Fate::Unknown,
                    "the answer is not an object with a string '" + _settings.statusField +
                        "': " + courierd::escapeUnstorable(courierd::clipped(body, 80))};
        if (fields[0].present && fields[0].text != id)
            return {id, courierd::Fate::Unknown, "the answer is about another order"};
        const std::string& name = *status.text;
        const std::string shown = courierd::escapeUnstorable(courierd::clipped(name, 80));
        if (name == "canceled" || name == "cancelled")
            return {id, courierd::Fate::Canceled, "status " + shown};
        if (name == "deleted")
            return {id, courierd::Fate::Gone, "status deleted"};
        if (_settings.statuses.empty() || _settings.statuses.count(name))
            return {id, courierd::Fate::Needed, ""};
        return {id, courierd::Fate::NotNeeded, "status " + shown};
    }

    courierd::SourceContext* _context = nullptr;
    HttpJsonSettings _settings;
    std::unique_ptr<courierd::HttpClient> _http;
    std::string _fixedQuery; // &name=value…, encoded
    courierd::RecordFields _fields;
    std::optional<courierd::Paginator> _pages;
    std::optional<courierd::TimestampWatermark> _mark;
};

} // namespace http_json

COURIERD_PLUGIN(http_json::HttpJsonSource, "http-json", "1.0.0")
