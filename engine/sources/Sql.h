#pragma once

#include <string>

/// Every SQL statement of sources/, in one place.
namespace courierd::sql::sources
{

inline const std::string ACQUIRE = R"sql(
INSERT INTO source_leases AS l (source, holder, term, expires_at)
VALUES ($1, $2, 1, now() + $3::bigint * interval '1 millisecond')
ON CONFLICT (source) DO UPDATE
SET holder = EXCLUDED.holder,
    term = CASE WHEN l.holder = EXCLUDED.holder THEN l.term ELSE l.term + 1 END,
    expires_at = EXCLUDED.expires_at
WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
RETURNING term
)sql";

// Checks that this instance still holds the lease and renews it: a long tick keeps its lease
// while it stores parts. Locks the lease row, so a takeover waits for this ingest and this
// ingest sees a takeover.
inline const std::string FENCE = R"sql(
UPDATE source_leases SET expires_at = now() + $4::bigint * interval '1 millisecond'
WHERE source = $1 AND holder = $2 AND term = $3 AND expires_at > now()
RETURNING term
)sql";

// The whole batch in one statement, as one JSON document of rows; the source's newest
// created_at moves with it (the freshness lag). An order created at or before the source's
// retention horizon may have had its row deleted: it is stored skipped, never assigned again.
inline const std::string INSERT_ROWS = R"sql(
WITH rows AS (
    SELECT id, payload, state, reason,
           -- Exact to the microsecond (to_timestamp() goes through a double).
           'epoch'::timestamptz + created_us * interval '1 microsecond' AS created_at
    FROM json_to_recordset($2::json)
        AS r(id text, created_us bigint, payload text, state text, reason text)
), horizon AS (
    SELECT deleted_through FROM source_retention WHERE source = $1
), inserted AS (
    INSERT INTO inbox (source, record_id, created_at, payload, state, reason)
    SELECT $1, id, created_at, payload,
           CASE WHEN state <> 'rejected' AND created_at <= (SELECT deleted_through FROM horizon)
                THEN 'skipped' ELSE state END,
           CASE WHEN state <> 'rejected' AND created_at <= (SELECT deleted_through FROM horizon)
                THEN 'created at or before ' || (SELECT deleted_through FROM horizon)
                     || ', which retention has deleted: not assigned again'
                ELSE reason END
    FROM rows
    ON CONFLICT (source, record_id) DO NOTHING
    RETURNING state, created_at
), freshness AS (
    INSERT INTO source_freshness AS f (source, newest_created_at)
    SELECT $1, max(created_at) FROM inserted WHERE state <> 'rejected'
    HAVING max(created_at) IS NOT NULL
    ON CONFLICT (source) DO UPDATE SET newest_created_at = EXCLUDED.newest_created_at
    WHERE EXCLUDED.newest_created_at > f.newest_created_at
)
SELECT count(*) FILTER (WHERE state <> 'rejected'),
       count(*) FILTER (WHERE state = 'skipped'),
       count(*) FILTER (WHERE state = 'rejected')
FROM inserted
)sql";

// The cursor is written compare-and-set on `version` (see migration 0005): the first write of
// a source's cursor, a write over the version its tick read, and a write by a caller that
// never read one (tests, tools).
inline const std::string INSERT_CURSOR = R"sql(
INSERT INTO source_cursors (source, cursor, version, updated_at) VALUES ($1, $2, 1, now())
ON CONFLICT (source) DO NOTHING
RETURNING version
)sql";

inline const std::string UPDATE_CURSOR = R"sql(
UPDATE source_cursors SET cursor = $2, version = version + 1, updated_at = now()
WHERE source = $1 AND version = $3
RETURNING version
)sql";

inline const std::string UPSERT_CURSOR = R"sql(
INSERT INTO source_cursors AS c (source, cursor, version, updated_at) VALUES ($1, $2, 1, now())
ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, version = c.version + 1,
                                   updated_at = now()
RETURNING version
)sql";

inline const std::string READ = R"sql(
SELECT source, state = 'paused', (extract(epoch FROM trigger_requested_at) * 1000000)::bigint,
       (extract(epoch FROM updated_at) * 1000000)::bigint
FROM source_controls
)sql";

inline const std::string RETURNING = R"sql(
RETURNING state = 'paused', (extract(epoch FROM trigger_requested_at) * 1000000)::bigint,
          (extract(epoch FROM updated_at) * 1000000)::bigint
)sql";

inline const std::string PAUSE = R"sql(
INSERT INTO source_controls AS c (source, state) VALUES ($1, 'paused')
ON CONFLICT (source) DO UPDATE SET state = 'paused', updated_at = now()
)sql";

inline const std::string RESUME = R"sql(
INSERT INTO source_controls AS c (source, state) VALUES ($1, 'running')
ON CONFLICT (source) DO UPDATE SET state = 'running', updated_at = now()
)sql";

inline const std::string TRIGGER = R"sql(
INSERT INTO source_controls AS c (source, trigger_requested_at) VALUES ($1, clock_timestamp())
ON CONFLICT (source) DO UPDATE SET trigger_requested_at = clock_timestamp(), updated_at = now()
)sql";

// Ingestor: who holds a lease, giving one up, reading a cursor.
inline const std::string LEASE_HOLDER =
    "SELECT holder, (extract(epoch FROM expires_at) * 1000000)::bigint "
    "FROM source_leases WHERE source = $1";
inline const std::string RELEASE_LEASE =
    "UPDATE source_leases SET expires_at = now() WHERE source = $1 AND holder = $2 AND term = $3";
inline const std::string CURSOR = "SELECT cursor, version FROM source_cursors WHERE source = $1";

// Ingestor: the fence locks the lease row until commit; should the process freeze before then,
// the server ends its transaction once it has idled $1 ms (a lease's TTL).
inline const std::string FREEZE_TIMEOUT =
    "SELECT set_config('idle_in_transaction_session_timeout', $1, true)";

// Ingestor: a part the store refuses is stored row by row, each behind a savepoint.
inline const std::string ROW_SAVEPOINT = "SAVEPOINT ingest_row";
inline const std::string ROLLBACK_ROW = "ROLLBACK TO SAVEPOINT ingest_row";

// SourceStore: the stored cursors, and the newest created_at stored from each source.
inline const std::string CURSORS = "SELECT source, cursor FROM source_cursors";
inline const std::string NEWEST =
    "SELECT source, (extract(epoch FROM newest_created_at) * 1000000)::bigint "
    "FROM source_freshness";

// CursorStore: operators' reads and changes of a cursor, each change with its audit row.
inline const std::string STORED_CURSOR =
    "SELECT cursor, version, (extract(epoch FROM updated_at) * 1000000)::bigint "
    "FROM source_cursors WHERE source = $1";
// The control row is locked: a resume waits until the change is committed.
inline const std::string LOCK_PAUSED =
    "SELECT (state = 'paused')::int FROM source_controls WHERE source = $1 FOR UPDATE";
inline const std::string SET_CURSOR = R"sql(
WITH old AS (
    -- The statement's snapshot: the cursor before it (not FOR UPDATE, which would skip the row
    -- the upsert below changes in the same statement).
    SELECT cursor FROM source_cursors WHERE source = $1
), written AS (
    INSERT INTO source_cursors AS c (source, cursor, version, updated_at)
    VALUES ($1, $2, 1, now())
    ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, version = c.version + 1,
                                       updated_at = now()
    RETURNING 1
)
INSERT INTO cursor_history (source, previous, cursor, remote, reason)
SELECT $1, (SELECT cursor FROM old), $2, $3, $4 FROM written
RETURNING id, (extract(epoch FROM at) * 1000000)::bigint, previous
)sql";
// The newest created_at retention has deleted from a source (table source_retention).
inline const std::string RETENTION_HORIZON =
    "SELECT (extract(epoch FROM deleted_through) * 1000000)::bigint FROM source_retention "
    "WHERE source = $1";
#define COURIERD_CHANGE_COLUMNS                                                                    \
    "SELECT id, (extract(epoch FROM at) * 1000000)::bigint, previous, cursor, remote, reason "     \
    "FROM cursor_history "
// Newest first, keyset pages by id (cursor_history_by_source).
inline const std::string HISTORY =
    COURIERD_CHANGE_COLUMNS "WHERE source = $1 ORDER BY id DESC LIMIT $2::int";
inline const std::string HISTORY_AFTER =
    COURIERD_CHANGE_COLUMNS "WHERE source = $1 AND id < $3::bigint ORDER BY id DESC LIMIT $2::int";
inline const std::string CHANGE = COURIERD_CHANGE_COLUMNS "WHERE source = $1 AND id = $2::bigint";
#undef COURIERD_CHANGE_COLUMNS

// InstanceHeartbeat (table instances): the sources each running instance has configured, as a
// comma-separated list (source names hold no comma). A start sets started_at; a beat keeps it.
inline const std::string REGISTER_INSTANCE = R"sql(
INSERT INTO instances (instance_id, sources, ttl)
VALUES ($1, string_to_array($2, ',')::text[], $3::bigint * interval '1 millisecond')
ON CONFLICT (instance_id) DO UPDATE SET sources = EXCLUDED.sources, started_at = now(),
                                        heartbeat_at = now(), ttl = EXCLUDED.ttl
)sql";
inline const std::string BEAT_INSTANCE = R"sql(
INSERT INTO instances (instance_id, sources, ttl)
VALUES ($1, string_to_array($2, ',')::text[], $3::bigint * interval '1 millisecond')
ON CONFLICT (instance_id) DO UPDATE SET sources = EXCLUDED.sources, heartbeat_at = now(),
                                        ttl = EXCLUDED.ttl
)sql";
inline const std::string REMOVE_INSTANCE = "DELETE FROM instances WHERE instance_id = $1";
// Rows of instances that stopped beating a week ago (crashed, never restarted under their id).
inline const std::string PRUNE_INSTANCES =
    "DELETE FROM instances WHERE heartbeat_at < now() - interval '7 days'";

// SourceStore::rename(): every row of a source moves to its new name in one transaction, while
// no live instance has either name configured (the table locked, so that no beat or start
// slips in between) and none holds either name's lease (locked, so none takes it meanwhile).
inline const std::string RENAME_LOCK_INSTANCES = "LOCK TABLE instances IN SHARE ROW EXCLUSIVE MODE";
inline const std::string RENAME_LIVE_INSTANCES = R"sql(
SELECT instance_id, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint,
       (extract(epoch FROM ttl) * 1000)::bigint
FROM instances
WHERE sources && ARRAY[$1, $2]::text[] AND heartbeat_at > now() - ttl
ORDER BY heartbeat_at DESC
)sql";
// Whether a name holds anything: FROM must (a rename of a name that holds nothing is a typo),
// TO must not (a rename never merges two sources).
inline const std::string RENAME_NAME_USED = R"sql(
SELECT (EXISTS (SELECT 1 FROM inbox WHERE source = $1)
        OR EXISTS (SELECT 1 FROM deliveries WHERE source = $1)
        OR EXISTS (SELECT 1 FROM source_cursors WHERE source = $1)
        OR EXISTS (SELECT 1 FROM replays WHERE source = $1)
        OR EXISTS (SELECT 1 FROM source_retention WHERE source = $1))::int
)sql";
inline const std::string RENAME_LIVE_LEASE = R"sql(
SELECT holder, (extract(epoch FROM expires_at) * 1000000)::bigint FROM source_leases
WHERE source IN ($1, $2) AND expires_at > now()
FOR UPDATE
)sql";
inline const std::string RENAME_ORDERS = R"sql(
WITH inbox AS (
    UPDATE inbox SET source = $2 WHERE source = $1 RETURNING 1
), deliveries AS (
    UPDATE deliveries SET source = $2 WHERE source = $1 RETURNING 1
), couriers AS (
    UPDATE couriers SET active_source = $2 WHERE active_source = $1 RETURNING 1
)
SELECT (SELECT count(*) FROM inbox), (SELECT count(*) FROM deliveries),
       (SELECT count(*) FROM couriers)
)sql";
inline const std::string RENAME_REST = R"sql(
WITH leases AS (
    DELETE FROM source_leases WHERE source IN ($1, $2)
), controls AS (
    DELETE FROM source_controls WHERE source = $2
), moved_controls AS (
    UPDATE source_controls SET source = $2 WHERE source = $1
), freshness AS (
    DELETE FROM source_freshness WHERE source = $2
), moved_freshness AS (
    UPDATE source_freshness SET source = $2 WHERE source = $1
), history AS (
    UPDATE cursor_history SET source = $2 WHERE source = $1
), moved_retention AS (
    UPDATE source_retention SET source = $2 WHERE source = $1
), replays AS (
    UPDATE replays SET source = $2 WHERE source = $1
), unassigns AS (
    UPDATE unassignments SET source = $2 WHERE source = $1
), cursors AS (
    UPDATE source_cursors SET source = $2 WHERE source = $1 RETURNING 1
)
SELECT count(*)::int FROM cursors
)sql";
// The old name is left paused: an instance still configured with it, one the rename could not
// see (partitioned past its TTL, or started from an old configuration), polls nothing under it
// rather than fetching it again from start_from.
inline const std::string RENAME_PAUSE_OLD = R"sql(
INSERT INTO source_controls (source, state) VALUES ($1, 'paused')
)sql";

// ReplayStore: replays of a time range (table replays).
#define COURIERD_REPLAY_COLUMNS                                                                    \
    "id, source, (extract(epoch FROM from_at) * 1000000)::bigint, "                                \
    "(extract(epoch FROM to_at) * 1000000)::bigint, state, cursor, records_read, records_new, "    \
    "error, holder, (extract(epoch FROM created_at) * 1000000)::bigint, "                          \
    "(extract(epoch FROM updated_at) * 1000000)::bigint, "                                         \
    "(extract(epoch FROM finished_at) * 1000000)::bigint"
// Nothing when the source has a running replay (replays_one_running).
inline const std::string START_REPLAY = R"sql(
INSERT INTO replays (source, from_at, to_at, cursor, remote)
VALUES ($1, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond',
        'epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4, $5)
ON CONFLICT (source) WHERE state = 'running' DO NOTHING
RETURNING )sql" COURIERD_REPLAY_COLUMNS;
inline const std::string REPLAY =
    "SELECT " COURIERD_REPLAY_COLUMNS " FROM replays WHERE source = $1 AND id = $2::bigint";
inline const std::string CANCEL_REPLAY =
    "UPDATE replays SET state = 'canceled', updated_at = now(), finished_at = now() "
    "WHERE source = $1 AND id = $2::bigint AND state = 'running'";
// Newest first, keyset pages by id (replays_by_source).
inline const std::string REPLAYS = "SELECT " COURIERD_REPLAY_COLUMNS
                                   " FROM replays WHERE source = $1 ORDER BY id DESC LIMIT $2::int";
inline const std::string REPLAYS_AFTER =
    "SELECT " COURIERD_REPLAY_COLUMNS
    " FROM replays WHERE source = $1 AND id < $3::bigint ORDER BY id DESC LIMIT $2::int";
inline const std::string RUNNING_REPLAYS =
    "SELECT " COURIERD_REPLAY_COLUMNS " FROM replays WHERE state = 'running'";
// In the ingest transaction of a replay's step: its cursor and counts move with the rows, and
// only while it is still running (not canceled meanwhile).
inline const std::string REPLAY_PROGRESS = R"sql(
UPDATE replays
SET cursor = CASE WHEN $6::int = 1 THEN $2 ELSE cursor END, records_read = records_read + $3::bigint,
    records_new = records_new + $4::bigint, holder = $5, updated_at = now()
WHERE id = $1::bigint AND state = 'running'
RETURNING 1
)sql";
inline const std::string END_REPLAY = R"sql(
UPDATE replays SET state = $2, error = NULLIF($3, ''), updated_at = now(), finished_at = now()
WHERE id = $1::bigint AND state = 'running'
)sql";
#undef COURIERD_REPLAY_COLUMNS

// The recheck: at most $2 of source $1's running deliveries, the longest-unchecked first, each
// order's id and created_at (its delivery's assigned_at once retention deleted the inbox row).
// A range of deliveries_running: the running deliveries alone, however long the history.
inline const std::string RUNNING_DELIVERIES = R"sql(
SELECT d.order_id,
       (extract(epoch FROM coalesce(i.created_at, d.assigned_at)) * 1000000)::bigint
FROM deliveries d
LEFT JOIN inbox i ON i.source = d.source AND i.record_id = d.order_id
WHERE d.source = $1 AND d.ended_at IS NULL AND d.deadline > now()
ORDER BY d.rechecked_at NULLS FIRST, d.id
LIMIT $2
)sql";

// What the source said of orders $2 (verdicts $3) of source $1: their deliveries and inbox
// rows keep when it was asked and (the inbox row) what it said.
inline const std::string STAMP_RECHECKED = R"sql(
WITH answered AS (
    SELECT order_id, verdict FROM unnest($2::text[], $3::text[]) AS a (order_id, verdict)
), stamped AS (
    UPDATE deliveries SET rechecked_at = now()
    WHERE source = $1 AND order_id = ANY ($2::text[])
)
UPDATE inbox i SET rechecked_at = now(), recheck_verdict = a.verdict
FROM answered a
WHERE i.source = $1 AND i.record_id = ANY ($2::text[]) AND i.record_id = a.order_id
)sql";

// The recheck of waiting orders: at most $3 of source $1's pending rows passed over for lack of
// a courier and fetched, or last rechecked, more than $2 ms ago, the longest-unchecked first.
// A range of inbox_waiting: the rows waiting for a courier alone.
inline const std::string WAITING_ORDERS = R"sql(
SELECT record_id, (extract(epoch FROM coalesce(created_at, fetched_at)) * 1000000)::bigint
FROM inbox
WHERE source = $1 AND state = 'pending' AND passed_over_at IS NOT NULL
  AND coalesce(rechecked_at, fetched_at) <= now() - $2::bigint * interval '1 ms'
ORDER BY coalesce(rechecked_at, fetched_at)
LIMIT $3
)sql";

// What the source said of waiting orders $2 (verdicts $3; $4: the reason to skip it, or ''):
// rows still pending keep when and what, and those with a reason end skipped. A row a worker
// claims meanwhile is waited for and, assigned by then, left alone.
inline const std::string SETTLE_WAITING = R"sql(
WITH answered AS (
    SELECT record_id, verdict, skipped
    FROM unnest($2::text[], $3::text[], $4::text[]) AS a (record_id, verdict, skipped)
), settled AS (
UPDATE inbox i
SET rechecked_at = now(), recheck_verdict = a.verdict,
    state = CASE WHEN a.skipped <> '' THEN 'skipped' ELSE i.state END,
    reason = CASE WHEN a.skipped <> '' THEN a.skipped ELSE i.reason END,
    updated_at = now()
FROM answered a
WHERE i.source = $1 AND i.record_id = ANY ($2::text[]) AND i.record_id = a.record_id
  AND i.state = 'pending'
RETURNING i.record_id, i.state
)
SELECT record_id FROM settled WHERE state = 'skipped'
)sql";

} // namespace courierd::sql::sources
