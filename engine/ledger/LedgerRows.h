#pragma once

#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace courierd
{

// The rows of the ledger operators read and repair: value types, no store (the admin handlers
// see them through admin/Services.h).

/// The bounds of the ledger's pages and retries (Ledger checks them; the admin API reads them).
struct LedgerLimits
{
    static constexpr int DEFAULT_LIMIT = 100;
    static constexpr int MAX_LIMIT = 1000;
    static constexpr std::size_t MAX_RETRY_IDS = 1000;
};

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
    /// When its source was last asked about the order again, and what it said
    /// (`canceled: status canceled`).
    std::optional<Poco::Timestamp> recheckedAt;
    std::optional<std::string> recheckVerdict;
    /// When an assignment worker first found no courier free for it.
    std::optional<Poco::Timestamp> passedOverAt;
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
    bool active = false;                        ///< Its courier is busy with it now.
    std::optional<Poco::Timestamp> recheckedAt; ///< When its source was last asked about it.
    /// When and why it ended before its deadline: canceled_at_source, gone_at_source.
    std::optional<Poco::Timestamp> endedAt;
    std::optional<std::string> endReason;
};

/// An operator's unassign of one of the order's deliveries (the audit trail).
struct UnassignmentEntry
{
    Poco::Timestamp at{0};
    Poco::Int64 courierId = 0;
    Poco::Timestamp assignedAt{0};
    bool requeued = false;
    std::string reason;
    std::string remote; ///< Who asked: the client's address.
};

/// One order's ledger: its inbox row, its delivery, if any, and the unassigns of its earlier
/// ones (oldest first, at most MAX_UNASSIGNMENTS: the newest).
struct OrderLedger
{
    InboxEntry inbox;
    std::optional<DeliveryEntry> delivery;
    std::vector<UnassignmentEntry> unassignments;

    static constexpr int MAX_UNASSIGNMENTS = 50;
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
    std::optional<bool> ended = {}; ///< Ended at the source (true) or not (false).
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

} // namespace courierd
