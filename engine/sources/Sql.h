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
// created_at moves with it (the freshness lag).
inline const std::string INSERT_ROWS = R"sql(
WITH rows AS (
    SELECT * FROM json_to_recordset($2::json)
        AS r(id text, created_us bigint, payload text, state text, reason text)
), inserted AS (
    INSERT INTO inbox (source, record_id, created_at, payload, state, reason)
    SELECT $1, id,
           CASE WHEN created_us IS NULL THEN NULL
                ELSE to_timestamp(created_us / 1000000.0) END,
           payload, state, reason
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

} // namespace courierd::sql::sources
