#pragma once

#include "admin/AdminInput.h"
#include "config/ReloadReport.h"
#include "couriers/Assignment.h"
#include "couriers/Courier.h"
#include "ledger/LedgerRows.h"
#include "metrics/History.h"
#include "metrics/Registry.h"
#include "sources/Cursor.h"
#include "sources/Replay.h"
#include "sources/SourceStatus.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// The narrow interfaces the admin handlers see (ClickHouse's IServer): what an operator may
/// read or do, never the store. `app/` implements them over the daemon's components; tests
/// implement them in memory. Every call may come from any admin thread at once. A call that
/// cannot reach the database throws StoreException; bad input throws ValidationException or
/// ConflictException with a message for the operator (Coded…, util/Exceptions.h, with the API's
/// code for it); JsonHandler alone chooses the HTTP status.

/// Liveness and readiness.
class HealthService
{
public:
    virtual ~HealthService() = default;
    /// Empty when this instance can do its job (the database answers); otherwise why not,
    /// without secrets.
    virtual std::string unready() = 0;
    /// The sources this instance runs.
    virtual std::size_t sources() = 0;
};

/// Couriers (`/api/v1/couriers`).
class CourierService
{
public:
    virtual ~CourierService() = default;
    virtual std::vector<Courier> list(std::optional<CourierStatus> status) = 0;
    virtual std::optional<Courier> get(Poco::Int64 id) = 0;
    /// Creates a courier; one created available wakes the assignment.
    virtual Courier create(const NewCourier& courier) = 0;
    /// Changes a courier; throws Poco::NotFoundException for an unknown id.
    virtual Courier update(Poco::Int64 id, const CourierChanges& changes) = 0;
};

/// One source as the admin API shows it.
struct SourceView
{
    SourceStatus status; ///< This process's view: state, plugin, interval, last tick, lease.
    std::map<std::string, Poco::Int64> records;     ///< Inbox rows by state, every state present.
    std::optional<std::string> cursor;              ///< The stored cursor, if any.
    std::optional<Poco::Timestamp> newestCreatedAt; ///< The freshness: newest record stored.
};

/// What an operator asks of a source's cursor (`PUT /api/v1/sources/{name}/cursor`): exactly
/// one of `cursor`, `from`, `reset` and `restore`.
struct CursorRequest
{
    std::optional<std::string> cursor;   ///< This cursor, as the plugin writes them.
    std::optional<Poco::Timestamp> from; ///< The plugin's cursor at this time.
    bool reset = false;                  ///< No cursor: the plugin starts from its start.
    std::optional<Poco::Int64> restore;  ///< The cursor before this change (its `previous`).
    std::string reason;                  ///< Why, for the audit row.
    std::string remote;                  ///< Who asked: the client's address.
};

/// Sources (`/api/v1/sources`).
class SourceService
{
public:
    virtual ~SourceService() = default;
    /// Every source this instance runs, in configuration order.
    virtual std::vector<SourceView> list() = 0;
    /// One source; nullopt for a name this instance does not run.
    virtual std::optional<SourceView> get(const std::string& name) = 0;
    /// No instance polls `name` from its next tick on (kept in the store); nullopt as get().
    virtual std::optional<SourceView> pause(const std::string& name) = 0;
    virtual std::optional<SourceView> resume(const std::string& name) = 0;
    /// The instance holding `name`'s lease polls it within a second; when it was asked.
    virtual std::optional<Poco::Timestamp> trigger(const std::string& name) = 0;

    /// The stored cursor (none before the first is stored); nullopt as get(). The outer
    /// optional says whether this instance runs `name`.
    virtual std::optional<std::optional<StoredCursor>> cursor(const std::string& name) = 0;
    /// Changes the cursor while the source is paused, with an audit row; nullopt as get().
    /// Throws CodedConflictException `source_not_paused`, CodedValidationException
    /// `unsupported` (the plugin has no cursor at a time, saying why) and `bad_request` (no such
    /// change to restore), ValidationException.
    virtual std::optional<CursorChange> setCursor(const std::string& name,
                                                  const CursorRequest& request) = 0;
    /// The changes of `name`'s cursor, newest first (at most `limit`, older than `before`);
    /// nullopt as get().
    virtual std::optional<std::vector<CursorChange>>
    cursorHistory(const std::string& name, int limit, std::optional<Poco::Int64> before) = 0;

    /// Starts a replay of [from, to] beside the live cursor; nullopt as get(). Throws
    /// CodedConflictException `replay_running` and `out_of_retention`, CodedValidationException
    /// `unsupported`.
    virtual std::optional<Replay> startReplay(const std::string& name, Poco::Timestamp from,
                                              Poco::Timestamp to, const std::string& remote) = 0;
    /// The replays of `name`, newest first (at most `limit`, older than `before`); nullopt as
    /// get().
    virtual std::optional<std::vector<Replay>> replays(const std::string& name, int limit,
                                                       std::optional<Poco::Int64> before) = 0;
    /// One replay of `name`; nullopt for a source this instance does not run or an unknown id.
    virtual std::optional<Replay> replay(const std::string& name, Poco::Int64 id) = 0;
    /// Cancels it if it runs; the replay as it is then; nullopt as replay().
    virtual std::optional<Replay> cancelReplay(const std::string& name, Poco::Int64 id) = 0;
};

/// Live reload (`/api/v1/reload`).
class ReloadService
{
public:
    virtual ~ReloadService() = default;
    /// The last reload's outcome; nullopt before the first.
    virtual std::optional<ReloadReport> last() = 0;
    /// Asks for a reload (as SIGHUP does); it runs on the daemon's main thread.
    virtual void request() = 0;
};

/// The per-order ledger and its repairs (`/api/v1/orders`, `/api/v1/inbox`,
/// `/api/v1/deliveries`). Lists take a page's `next` as `after`; a token, a state or a limit
/// that is not one throws ValidationException.
class LedgerService
{
public:
    virtual ~LedgerService() = default;
    virtual std::optional<OrderLedger> order(const std::string& source, const std::string& id) = 0;
    virtual Page<InboxEntry> inbox(const InboxFilter& filter, int limit,
                                   const std::optional<std::string>& after) = 0;
    virtual Page<DeliveryEntry> deliveries(const DeliveryFilter& filter, int limit,
                                           const std::optional<std::string>& after) = 0;
    /// Failed rows back to pending; the pipeline is woken when any were.
    virtual RetryOutcome retry(const RetryRequest& request) = 0;
    /// Removes the order's delivery (frees its courier if busy with it); the order goes back
    /// to pending, or with `requeue` false is skipped "unassigned by operator". Nothing when
    /// the order has no delivery. `reason` and `remote` (who asked) go to the audit trail.
    virtual std::optional<Unassigned> unassign(const std::string& source, const std::string& id,
                                               bool requeue, const std::string& reason,
                                               const std::string& remote) = 0;
};

/// Everything the admin endpoint serves from.
struct AdminServices
{
    HealthService& health;
    CourierService& couriers;
    SourceService& sources;
    ReloadService& reload;
    LedgerService& ledger;
    metrics::Registry& metrics;
    metrics::History& history;
};

} // namespace courierd
