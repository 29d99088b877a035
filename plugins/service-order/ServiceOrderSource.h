#pragma once

#include "ServiceOrderSettings.h"
#include "courierd/HttpClient.h"
#include "courierd/RecordFields.h"
#include "courierd/Source.h"
#include "courierd/TimestampWatermark.h"

#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace service_order
{

/// Polls service-order's `GET /public/api/v1/orders?from=…` (see the contract in the README):
/// a created_at watermark with look-back and dedup by id, or an id cursor; optional
/// pagination; orders in statuses that need no courier are recorded skipped. Without
/// pagination an answer is streamed: orders are parsed as they arrive and handed to the engine
/// every `write_batch` orders, so memory does not grow with the answer.
class ServiceOrderSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override;
    void initialize(courierd::SourceContext& context) override;
    courierd::Batch fetch(const std::string& cursor) override;
    courierd::Batch stream(const std::string& cursor, courierd::RecordSink& sink) override;
    /// With `cursor_field = created_at`, a watermark cursor whose window starts at `time`.
    std::string cursorAt(const Poco::Timestamp& time) override;

    bool rechecks() const override { return true; }
    /// BY_ID_AT_MOST orders or fewer: `GET /order/{id}/status` each; more: one listing
    /// `GET /orders?from=<the oldest created_at asked>`, streamed, looked up in the asked ids
    /// (deleted orders are left out of a listing, so an order absent from a listing that read
    /// cleanly is gone). A 404 of the status route is confirmed by a listing before an order
    /// counts as gone: a wrong base_url answers 404 too. Verdicts by the first-read rule (see
    /// fateOf()).
    std::vector<courierd::RecheckAnswer>
    recheck(const std::vector<courierd::RecheckQuery>& orders) override;

    /// The most orders asked about one by one.
    static constexpr std::size_t BY_ID_AT_MOST = 3;
    /// The largest status answer read.
    static constexpr std::size_t MAX_STATUS_BYTES = 64 * 1024;

private:
    using Order = std::variant<courierd::Record, courierd::Reject>;

    // One request, streamed: each order, parsed, goes to `take` as soon as it is read.
    void request(const std::string& query, const std::function<void(Order&&)>& take);
    courierd::Batch streamByCreatedAt(const std::string& cursor, courierd::RecordSink& sink);
    courierd::Batch pagesByCreatedAt(courierd::TimestampWatermark& mark, const std::string& query);
    courierd::Batch streamWhole(courierd::TimestampWatermark& mark, const std::string& query,
                                courierd::RecordSink& sink);
    courierd::Batch streamById(const std::string& cursor, courierd::RecordSink& sink);
    // What `GET /order/{id}/status` says of one order; nothing for a 404.
    std::optional<courierd::RecheckAnswer> statusOf(const courierd::RecheckQuery& order);
    // What one listing from the oldest of `orders` says of each of them.
    std::vector<courierd::RecheckAnswer>
    recheckByListing(const std::vector<courierd::RecheckQuery>& orders);

    ServiceOrderSettings _settings;
    courierd::RecordFields _fields; // how an order is read
    courierd::SourceContext* _context = nullptr;
    std::unique_ptr<courierd::HttpClient> _http;
    std::optional<courierd::TimestampWatermark> _mark; // the window after the last fetch…
    std::string _markCursor;                           // …and the cursor it returned
};

} // namespace service_order
