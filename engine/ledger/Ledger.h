#pragma once

#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// One inbox row: a record a source sent and what became of it.
struct InboxEntry
{
    std::string source;
    std::string id;                    ///< The record's id within its source (the order id).
    std::string state;                 ///< pending, assigned, skipped, failed or rejected.
    std::optional<std::string> reason; ///< Why skipped or rejected.
    int attempts = 0;
    std::optional<std::string> lastError;
    std::optional<Poco::Timestamp> createdAt; ///< The source's created_at (none if rejected).
    Poco::Timestamp fetchedAt{0};
    Poco::Timestamp updatedAt{0};
    Poco::Timestamp nextAttemptAt{0};
    std::optional<std::string> payload; ///< As stored; read only for one order.
};

/// One delivery: which courier took an order, and until when.
struct DeliveryEntry
{
    Poco::Int64 id = 0;
    Poco::Int64 courierId = 0;
    std::string source;
    std::string orderId;
    Poco::Timestamp assignedAt{0};
    Poco::Timestamp deadline{0};
    bool active = false; ///< Its courier is busy with it now.
};

/// One order's ledger: its inbox row and its delivery, if any.
struct OrderLedger
{
    InboxEntry inbox;
    std::optional<DeliveryEntry> delivery;
};

struct InboxFilter
{
    std::optional<std::string> source;
    std::optional<std::string> state;
};

struct DeliveryFilter
{
    std::optional<std::string> source;
    std::optional<Poco::Int64> courierId;
    std::optional<bool> active;
};

/// One page of a list, newest first; `next` asks for the page after it (none on the last).
template <typename T> struct Page
{
    std::vector<T> items;
    std::optional<std::string> next;
};

/// What to retry: every failed row, a source's, or named rows of one source.
struct RetryRequest
{
    std::optional<std::string> source;
    std::vector<std::string> ids; ///< Needs `source`; at most MAX_RETRY_IDS.
};

struct RetryOutcome
{
    Poco::Int64 requeued = 0; ///< failed → pending, attempts reset.
    Poco::Int64 left = 0;     ///< Named rows in another state, left alone.
    Poco::Int64 missing = 0;  ///< Named ids the inbox does not hold.
};

/// The per-order ledger operators read and repair through the admin API: an order's rows,
/// the inbox and the deliveries page by page (newest first, keyset pages: each page is one
/// index range scan whatever the tables hold), and failed rows sent back to the pipeline.
/// Thread-safe. Bad input (an unknown state, a token this class did not write, a limit out of
/// range) throws ValidationException; the store's failures StoreException or Poco::Data
/// exceptions.
class Ledger
{
public:
    static constexpr int DEFAULT_LIMIT = 100;
    static constexpr int MAX_LIMIT = 1000;
    static constexpr std::size_t MAX_RETRY_IDS = 1000;
    /// The inbox states, in the order lists and counts show them.
    static const std::vector<std::string>& states();

    explicit Ledger(Database& database);

    std::optional<OrderLedger> order(const std::string& source, const std::string& id);

    /// Rows most recently fetched first. `after` is a page's `next`.
    Page<InboxEntry> inbox(const InboxFilter& filter, int limit,
                           const std::optional<std::string>& after);

    /// Deliveries most recently made first. `after` is a page's `next`.
    Page<DeliveryEntry> deliveries(const DeliveryFilter& filter, int limit,
                                   const std::optional<std::string>& after);

    /// Failed rows back to pending, attempts reset, due now (the caller wakes the pipeline).
    RetryOutcome retry(const RetryRequest& request);

private:
    Database& _database;
};

} // namespace courierd
