#pragma once

#include <string>

/// Every SQL statement of store/, in one place.
namespace courierd::sql::store
{

// InboxCounts::read: the counts, from the deltas.
inline const std::string INBOX_COUNTS = R"sql(
SELECT source, state, sum(n)::bigint FROM inbox_counts GROUP BY source, state
)sql";

// InboxCounts::fold. Rows appended while this runs are not seen by the DELETE and stay as
// they are.
inline const std::string FOLD_INBOX_COUNTS = R"sql(
WITH gone AS (DELETE FROM inbox_counts RETURNING source, state, n)
INSERT INTO inbox_counts (source, state, n)
SELECT source, state, sum(n) FROM gone GROUP BY source, state HAVING sum(n) <> 0
)sql";

// Migrator: one courierd migrates at a time. Any constant works; it only has to be the same for
// every courierd.
inline const std::string LOCK = "SELECT pg_advisory_xact_lock(7318624155902113)";

inline const std::string BOOTSTRAP = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text        PRIMARY KEY,
    file       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))sql";

inline const std::string HAS_MIGRATIONS_TABLE =
    "SELECT to_regclass('schema_migrations') IS NOT NULL";
inline const std::string BEGIN = "BEGIN";
inline const std::string COMMIT = "COMMIT";
inline const std::string ROLLBACK = "ROLLBACK";
inline const std::string QUIET = "SET LOCAL client_min_messages = warning";
inline const std::string APPLIED = "SELECT version, checksum FROM schema_migrations";
inline const std::string IS_APPLIED = "SELECT 1 FROM schema_migrations WHERE version = $1";
inline const std::string RECORD =
    "INSERT INTO schema_migrations (version, file, checksum) VALUES ($1, $2, $3)";

// Readiness: the database answers.
inline const std::string PING = "SELECT 1";

} // namespace courierd::sql::store
