#pragma once

#include "ledger/LedgerRows.h"
#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// The per-order ledger operators read and repair through the admin API: an order's rows,
/// the inbox and the deliveries page by page (newest first, keyset pages: each page is one
/// index range scan whatever the tables hold), and failed rows sent back to the pipeline.
/// Thread-safe. Bad input (an unknown state, a token this class did not write, a limit out of
/// range) throws ValidationException; the store's failures StoreException or Poco::Data
/// exceptions.
class Ledger
{
public:
    static constexpr int DEFAULT_LIMIT = LedgerLimits::DEFAULT_LIMIT;
    static constexpr int MAX_LIMIT = LedgerLimits::MAX_LIMIT;
    static constexpr std::size_t MAX_RETRY_IDS = LedgerLimits::MAX_RETRY_IDS;
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
