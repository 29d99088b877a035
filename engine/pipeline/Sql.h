#pragma once

#include <string>

/// Every SQL statement of pipeline/, in one place.
namespace courierd::sql::pipeline
{

// Up to $1 due rows, oldest first; rows another worker holds are skipped, not waited for. The
// row's ctid is stable while this transaction holds its lock, and is how it is marked.
inline const std::string CLAIM = R"sql(
SELECT source, record_id, ctid::text, (extract(epoch FROM created_at) * 1000000)::bigint FROM inbox
WHERE state = 'pending' AND next_attempt_at <= now()
ORDER BY next_attempt_at, created_at
LIMIT $1
FOR UPDATE SKIP LOCKED
)sql";

// $1: the claimed rows' ctids, as an array literal. A TID scan, whatever the statistics say
// (a join on the key was planned as a scan of the whole inbox for each set).
inline const std::string MARK_ASSIGNED = R"sql(
UPDATE inbox SET state = 'assigned', attempts = attempts + 1, last_error = NULL, updated_at = now()
WHERE ctid = ANY ($1::tid[])
)sql";

// Backoff after a real error: 1s, 2s, 4s, … up to 5 minutes.
inline const std::string MARK_FAILED = R"sql(
UPDATE inbox
SET attempts = attempts + 1,
    last_error = $3,
    state = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END,
    next_attempt_at = now() + least(interval '5 minutes',
                                    interval '1 second' * power(2, least(attempts, 16))),
    updated_at = now()
WHERE source = $1 AND record_id = $2
RETURNING state
)sql";

inline const std::string NEXT_DUE = R"sql(
SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::bigint
FROM inbox WHERE state = 'pending'
)sql";

// The assignment transaction plans on the indexes whatever the statistics say.
inline const std::string INDEXES_ONLY = "SET LOCAL enable_seqscan = off";

} // namespace courierd::sql::pipeline
