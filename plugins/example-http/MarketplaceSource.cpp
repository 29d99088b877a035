// A source plugin for a typical marketplace API, written on the SDK's kit: an API key from a
// file sent as a Bearer token, orders at `data.orders` in an envelope with `next_page`, paged
// by number (`page`, `per_page`), integer ids, `created_at` in epoch milliseconds that many
// orders share, and 429/503 under load (the HttpClient's retry policy). fake/ holds the
// marketplace it is tested against. docs/writing-a-plugin.md walks through this file.
#include <Poco/Logger.h>

#include <courierd/ConfigMap.h>
#include <courierd/Exceptions.h>
#include <courierd/HttpClient.h>
#include <courierd/JsonArray.h>
#include <courierd/Paginator.h>
#include <courierd/Plugin.h>
#include <courierd/RecordFields.h>
#include <courierd/TimestampWatermark.h>
#include <memory>
#include <optional>
#include <set>

namespace marketplace
{

// The keys of [source.NAME] beside the engine's, each declared once and bound to its member:
// the host parses and checks them, and --describe-plugin, --help and the docs list them.
struct Settings
{
    std::string baseUrl;
    std::string apiKey;
    courierd::Duration timeout{};
    long long retryCount{};
    long long pageSize{};
    courierd::Duration lookback{};
    Poco::Timestamp startFrom;
    std::set<std::string> statuses;
    courierd::Duration maxClockSkew{}; // the engine's key, read here too

    static const courierd::ConfigMap<Settings>& map()
    {
        using namespace std::chrono_literals;
        using S = Settings;
        static const auto map =
            courierd::ConfigMap<S>()
                .string("base_url", &S::baseUrl, "http://localhost:8090", "the marketplace API")
                .secret("api_key_file", &S::apiKey, "file holding the API key (a Bearer token)")
                .duration("timeout", &S::timeout, "3s", "time one HTTP attempt may take", 100ms,
                          300s)
                .integer("retry_count", &S::retryCount, "3", "retries of a failed request", 0, 10)
                .integer("page_size", &S::pageSize, "100", "orders asked for per page", 1, 1000)
                .duration("lookback", &S::lookback, "30s",
                          "how far behind the newest created_at to read again, for orders that "
                          "become visible late",
                          0ms, 24h)
                .time("start_from", &S::startFrom, "1970-01-01T00:00:00Z",
                      "RFC3339 time the first poll starts from")
                .list(
                    "statuses", &S::statuses, "new,accepted",
                    "statuses that need a courier; orders in others are recorded skipped",
                    {"new", "accepted", "cooking", "ready", "picked_up", "delivered", "canceled"});
        return map;
    }
};

class MarketplaceSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override { return Settings::map().keys(); }

    void initialize(courierd::SourceContext& context) override
    {
        _context = &context;
        _settings = Settings::map().read(context);
        _settings.maxClockSkew = context.getDuration("max_clock_skew");
        if (_settings.apiKey.empty())
            throw courierd::ConfigException(context.describe("api_key_file") +
                                            ": the marketplace needs an API key");

        courierd::HttpClientOptions http;
        http.baseUrl = _settings.baseUrl;
        http.timeout = _settings.timeout;
        http.retryCount = static_cast<int>(_settings.retryCount);
        http.headers = {courierd::HttpClient::bearer(_settings.apiKey)};
        _http = std::make_unique<courierd::HttpClient>(http, [&context]
                                                       { return context.stopRequested(); });

        // How an order is read: integer ids, epoch-millisecond times, a status.
        _fields.integerIds = true;
        _fields.createdAtFormat = courierd::TimeFormat::EpochMilliseconds;
        _fields.statuses = _settings.statuses;

        courierd::Paginator::Options paging;
        paging.style = courierd::PageStyle::PageNumber;
        paging.pageSize = static_cast<std::size_t>(_settings.pageSize);
        paging.warn = [&context](const std::string& why) { context.logger().warning(why); };
        _pages.emplace(paging);
        _mark.emplace(Poco::Timespan(_settings.lookback.count() * 1000), _settings.startFrom);
    }

    // One page per fetch: the engine stores it with its cursor, then fetches again at once
    // while the run of pages goes on (Batch::more).
    courierd::Batch fetch(const std::string& cursor) override
    {
        _mark->restore(_pages->restore(cursor));
        _pages->begin(courierd::formatTime(_mark->from(), courierd::TimeFormat::EpochMilliseconds));
        const Poco::Timestamp latest = _context->now() + _settings.maxClockSkew.count() * 1000;

        courierd::Batch batch;
        courierd::JsonRecordsReader reader("data.orders",
                                           [&](std::string_view element, bool truncated)
                                           { take(batch, element, truncated, latest); });
        _http->get("/v2/orders?created_from=" + _pages->from() + "&" + _pages->query(),
                   [&](std::string_view piece) { reader.feed(piece); });
        reader.finish();

        // `next_page` is null on the last page; an empty page ends the run as well.
        batch.more = _pages->advance(reader.elements(), reader.scalar("next_page").value_or(""));
        batch.cursor = _pages->cursor(_mark->cursor());
        return batch;
    }

    // A cursor without a run of pages: the watermark's alone (no network, any thread).
    std::string cursorAt(const Poco::Timestamp& time) override { return _mark->cursorAt(time); }

private:
    void take(courierd::Batch& batch, std::string_view element, bool truncated,
              Poco::Timestamp latest)
    {
        _pages->saw(element); // for the loop check: a page like the one before
        auto read = truncated ? courierd::Reject{"", std::string(element), "an order over 1 MiB"}
                              : _fields.read(element, latest);
        if (auto* record = std::get_if<courierd::Record>(&read))
        {
            if (_mark->admit(record->id, record->createdAt))
                batch.records.push_back(std::move(*record));
        }
        else
            batch.rejects.push_back(std::get<courierd::Reject>(std::move(read)));
    }

    courierd::SourceContext* _context = nullptr;
    Settings _settings;
    std::unique_ptr<courierd::HttpClient> _http;
    courierd::RecordFields _fields;
    std::optional<courierd::Paginator> _pages;
    std::optional<courierd::TimestampWatermark> _mark;
};

} // namespace marketplace

COURIERD_PLUGIN(marketplace::MarketplaceSource, "example-http", "1.0.0")
