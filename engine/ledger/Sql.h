#pragma once

#include <string>

/// Every SQL statement of ledger/, in one place. Times are read as microseconds since the
/// epoch and written back exactly ('epoch' + n µs: no floating point in a page key).
namespace courierd::sql::ledger
{

#define COURIERD_INBOX_COLUMNS                                                                     \
    "source, record_id, state, reason, attempts, last_error, "                                     \
    "(extract(epoch FROM created_at) * 1000000)::bigint, "                                         \
    "(extract(epoch FROM fetched_at) * 1000000)::bigint, "                                         \
    "(extract(epoch FROM updated_at) * 1000000)::bigint, "                                         \
    "(extract(epoch FROM next_attempt_at) * 1000000)::bigint, "                                    \
    "(extract(epoch FROM rechecked_at) * 1000000)::bigint, recheck_verdict, "                      \
    "(extract(epoch FROM passed_over_at) * 1000000)::bigint"
// `active`: its courier is busy with it now.
#define COURIERD_DELIVERY_COLUMNS                                                                  \
    "d.id, d.courier_id, d.source, d.order_id, "                                                   \
    "(extract(epoch FROM d.assigned_at) * 1000000)::bigint, "                                      \
    "(extract(epoch FROM d.deadline) * 1000000)::bigint, "                                         \
    "EXISTS (SELECT 1 FROM couriers c WHERE c.id = d.courier_id AND c.status = 'busy' "            \
    "AND c.active_source = d.source AND c.active_order_id = d.order_id), "                         \
    "(extract(epoch FROM d.rechecked_at) * 1000000)::bigint, "                                     \
    "(extract(epoch FROM d.ended_at) * 1000000)::bigint, d.end_reason"

// The newest unassigns of one order (unassignments_by_order), returned oldest first.
inline const std::string UNASSIGNMENTS = R"sql(
SELECT * FROM (
    SELECT (extract(epoch FROM at) * 1000000)::bigint AS at_us, courier_id,
           (extract(epoch FROM assigned_at) * 1000000)::bigint, requeued::int, reason, remote, id
    FROM unassignments WHERE source = $1 AND order_id = $2 ORDER BY id DESC LIMIT $3::int
) newest ORDER BY id
)sql";
inline const std::string ORDER =
    "SELECT " COURIERD_INBOX_COLUMNS ", payload FROM inbox WHERE source = $1 AND record_id = $2";
inline const std::string DELIVERY = "SELECT " COURIERD_DELIVERY_COLUMNS
                                    " FROM deliveries d WHERE d.source = $1 AND d.order_id = $2";

/// Numbers the parameters of a statement built from optional parts.
class Params
{
public:
    std::string next() { return "$" + std::to_string(++_count); }

private:
    int _count = 0;
};

/// Which parts a page statement has; the parameters are bound in this order: limit, source,
/// state, then the key after which the page starts (micros, source unless filtered, id).
struct InboxPageShape
{
    bool source = false;
    bool state = false;
    bool after = false;
};

/// A page of the inbox, newest fetched first, keyed (fetched_at, source, record_id). With the
/// state given, one backward range scan of inbox_by_state (or inbox_by_source_state); without
/// it, one such scan per state, merged: never more than `limit` rows read per state.
inline std::string inboxPage(const InboxPageShape& shape)
{
    Params p;
    const std::string limit = p.next();
    const std::string source = shape.source ? p.next() : "";
    const std::string stateParam = shape.state ? p.next() : "";
    std::string key;
    if (shape.after)
    {
        // One parameter per statement: the order of evaluation of `+`'s operands is unspecified.
        const std::string micros = p.next();
        const std::string at =
            "('epoch'::timestamptz + " + micros + "::bigint * interval '1 microsecond')";
        if (shape.source)
        {
            const std::string id = p.next();
            key = " AND (fetched_at, record_id) < (" + at + ", " + id + ")";
        }
        else
        {
            const std::string keySource = p.next();
            const std::string id = p.next();
            key = " AND (fetched_at, source, record_id) < (" + at + ", " + keySource + ", " + id +
                  ")";
        }
    }
    const std::string order = " ORDER BY fetched_at DESC, source DESC, record_id DESC";
    auto branch = [&](const std::string& stateMatch)
    {
        return "SELECT " COURIERD_INBOX_COLUMNS " FROM inbox WHERE state = " + stateMatch +
               (shape.source ? " AND source = " + source : std::string()) + key + order +
               " LIMIT " + limit + "::int";
    };
    if (shape.state)
        return branch(stateParam);
    std::string all;
    for (const char* each : {"pending", "assigned", "skipped", "failed", "rejected"})
        all += std::string(all.empty() ? "" : " UNION ALL ") + "(" +
               branch(std::string("'") + each + "'") + ")";
    return "SELECT * FROM (" + all + ") page ORDER BY 8 DESC, 1 DESC, 2 DESC LIMIT " + limit +
           "::int";
}

struct DeliveryPageShape
{
    bool source = false;
    bool courier = false;
    bool after = false;
    enum class Active
    {
        Any,
        Yes,
        No
    } active = Active::Any;
    enum class Ended
    {
        Any,
        Yes,
        No
    } ended = Ended::Any;
};

/// A page of deliveries, newest first (by id). Active ones are found from the busy couriers
/// (at most one each); the others by a backward scan of the primary key, or of
/// deliveries_by_source / deliveries_by_courier. Parameters: limit, source, courier, after.
inline std::string deliveryPage(const DeliveryPageShape& shape)
{
    Params p;
    const std::string limit = p.next();
    std::string where;
    if (shape.source)
        where += " AND d.source = " + p.next();
    if (shape.courier)
        where += " AND d.courier_id = " + p.next() + "::bigint";
    if (shape.after)
        where += " AND d.id < " + p.next() + "::bigint";
    // Ended ones newest first by the partial index deliveries_ended.
    if (shape.ended != DeliveryPageShape::Ended::Any)
        where += shape.ended == DeliveryPageShape::Ended::Yes ? " AND d.ended_at IS NOT NULL"
                                                              : " AND d.ended_at IS NULL";
    const std::string tail = " ORDER BY d.id DESC LIMIT " + limit + "::int";
    using Active = DeliveryPageShape::Active;
    if (shape.active == Active::Yes)
        return "SELECT " COURIERD_DELIVERY_COLUMNS
               " FROM couriers b JOIN deliveries d ON d.source = b.active_source "
               "AND d.order_id = b.active_order_id WHERE b.status = 'busy'" +
               where + tail;
    if (shape.active == Active::No)
        where += " AND NOT EXISTS (SELECT 1 FROM couriers c WHERE c.id = d.courier_id "
                 "AND c.status = 'busy' AND c.active_source = d.source "
                 "AND c.active_order_id = d.order_id)";
    return "SELECT " COURIERD_DELIVERY_COLUMNS " FROM deliveries d WHERE true" + where + tail;
}

#undef COURIERD_DELIVERY_COLUMNS
#undef COURIERD_INBOX_COLUMNS

// Retry: failed rows back to pending, due now, attempts reset. The error of the last attempt
// stays in last_error until the row fails again or is assigned.
#define COURIERD_REQUEUE                                                                           \
    "UPDATE inbox i SET state = 'pending', attempts = 0, next_attempt_at = now(), "                \
    "updated_at = now() "

/// Named rows of one source ($1, $2 a JSON array of ids): requeued, left, missing.
inline const std::string RETRY_IDS = R"sql(
WITH ids AS (
    SELECT DISTINCT value AS id FROM json_array_elements_text($2::json)
), found AS (
    SELECT i.record_id, i.state FROM inbox i JOIN ids ON i.source = $1 AND i.record_id = ids.id
), requeued AS (
    )sql" COURIERD_REQUEUE R"sql(
    FROM ids WHERE i.source = $1 AND i.record_id = ids.id AND i.state = 'failed'
    RETURNING 1
)
SELECT (SELECT count(*) FROM requeued),
       (SELECT count(*) FROM found WHERE state <> 'failed'),
       (SELECT count(*) FROM ids) - (SELECT count(*) FROM found)
)sql";

inline const std::string RETRY_SOURCE = R"sql(
WITH requeued AS (
    )sql" COURIERD_REQUEUE R"sql(
    WHERE i.source = $1 AND i.state = 'failed' RETURNING 1
)
SELECT count(*) FROM requeued
)sql";

inline const std::string RETRY_ALL = R"sql(
WITH requeued AS (
    )sql" COURIERD_REQUEUE R"sql(
    WHERE i.state = 'failed' RETURNING 1
)
SELECT count(*) FROM requeued
)sql";

#undef COURIERD_REQUEUE

// Retention: one batch, in a transaction that first takes a transaction-level advisory lock
// (released at commit, and safe behind a transaction-pooling proxy): one instance at a time.
inline const std::string RETENTION_LOCK =
    "SELECT pg_try_advisory_xact_lock(hashtext('courierd.retention'))::int";

// At most $2 finished inbox rows fetched more than $1 ms ago (a range scan of inbox_by_state
// per state) and created that long ago too (one stamped in the future by a skewed clock waits),
// and each source's horizon moved to the newest created_at deleted: never later than now - $1,
// so never near an order the source can still send (retention.inbox is at least twice its
// look-back window). A row changed meanwhile (retried) has another ctid and is left alone.
inline const std::string RETENTION_INBOX = R"sql(
WITH deleted AS (
    DELETE FROM inbox WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM inbox
        WHERE state IN ('assigned', 'skipped', 'failed', 'rejected')
          AND fetched_at < now() - $1::bigint * interval '1 millisecond'
          AND (created_at IS NULL OR created_at < now() - $1::bigint * interval '1 millisecond')
        LIMIT $2::int))
    RETURNING source, created_at
), horizon AS (
    INSERT INTO source_retention AS r (source, deleted_through)
    SELECT source, max(created_at) FROM deleted WHERE created_at IS NOT NULL GROUP BY source
    ON CONFLICT (source) DO UPDATE
    SET deleted_through = greatest(r.deleted_through, EXCLUDED.deleted_through)
)
SELECT count(*)::int FROM deleted
)sql";

// At most $2 deliveries assigned more than $1 ms ago whose deadline has passed and whose
// courier is not busy with them, oldest first (deliveries_assigned_at).
inline const std::string RETENTION_DELIVERIES = R"sql(
WITH deleted AS (
    DELETE FROM deliveries WHERE id = ANY (ARRAY(
        SELECT d.id FROM deliveries d
        WHERE d.assigned_at < now() - $1::bigint * interval '1 millisecond'
          AND d.deadline < now()
          AND NOT EXISTS (SELECT 1 FROM couriers c
                          WHERE c.id = d.courier_id AND c.status = 'busy'
                            AND c.active_source = d.source AND c.active_order_id = d.order_id)
        ORDER BY d.assigned_at
        LIMIT $2::int))
    RETURNING 1
)
SELECT count(*)::int FROM deleted
)sql";

// At most $2 rows of `table` that `where` picks ($1: the age in ms), oldest first by `order`
// (an index on it), deleted; their count.
inline std::string deleteOldest(const std::string& table, const std::string& where,
                                const std::string& order)
{
    return "WITH deleted AS (DELETE FROM " + table + " WHERE id = ANY (ARRAY(SELECT id FROM " +
           table + " WHERE " + where + " ORDER BY " + order +
           " LIMIT $2::int)) RETURNING 1) SELECT count(*)::int FROM deleted";
}
// Finished replays (done, failed, canceled) that ended more than $1 ms ago
// (replays_finished_at); a running one is never deleted.
inline const std::string RETENTION_REPLAYS = deleteOldest(
    "replays", "state <> 'running' AND finished_at < now() - $1::bigint * interval '1 millisecond'",
    "finished_at");
// Unassigns recorded more than $1 ms ago (unassignments_at), with the cursor's history.
inline const std::string RETENTION_UNASSIGNMENTS =
    deleteOldest("unassignments", "at < now() - $1::bigint * interval '1 millisecond'", "at");
// Cursor changes made more than $1 ms ago (cursor_history_at).
inline const std::string RETENTION_CURSOR_HISTORY =
    deleteOldest("cursor_history", "at < now() - $1::bigint * interval '1 millisecond'", "at");

} // namespace courierd::sql::ledger
