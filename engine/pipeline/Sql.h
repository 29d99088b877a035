#pragma once

#include <string>

/// Every SQL statement of pipeline/, in one place.
namespace courierd::sql::pipeline
{

// The condition that a pending row `i` is not held back for its recheck (the Rechecker's).
// Held is a row passed over for lack of a courier, of a source named in $names that asks
// again about orders that waited longer than its after_ms, fetched or last rechecked longer
// ago than that, and due for its recheck less than its hold_ms ago: a row whose recheck has
// not come by then (its source paused, or busy with a long poll) is assigned as before. Rows
// never passed over (a drain with couriers enough) pass on the first test.
inline std::string notHeld(int names)
{
    const std::string n = "$" + std::to_string(names), a = "$" + std::to_string(names + 1),
                      h = "$" + std::to_string(names + 2);
    return "(passed_over_at IS NULL OR NOT EXISTS (\n"
           "    SELECT FROM unnest(" +
           n + "::text[], " + a + "::bigint[], " + h +
           "::bigint[])\n"
           "        AS r (source, after_ms, hold_ms)\n"
           "    WHERE r.source = i.source\n"
           "      AND coalesce(i.rechecked_at, i.fetched_at) <= now() - r.after_ms * interval '1 "
           "ms'\n"
           "      AND (i.passed_over_at > now() - r.hold_ms * interval '1 ms'\n"
           "           OR coalesce(i.rechecked_at, i.fetched_at)\n"
           "              > now() - (r.after_ms + r.hold_ms) * interval '1 ms')))";
}

// Up to $1 due rows, oldest first, but those held for their recheck; rows another worker
// holds are skipped, not waited for. The row's ctid is stable while this transaction holds its
// lock, and is how it is marked.
inline const std::string CLAIM = R"sql(
SELECT source, record_id, ctid::text, (extract(epoch FROM created_at) * 1000000)::bigint
FROM inbox i
WHERE state = 'pending' AND next_attempt_at <= now() AND )sql" +
                                 notHeld(2) + R"sql(
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

// Rows claimed found no courier: stamped the first time ($1: their ctids, as for MARK_ASSIGNED).
inline const std::string MARK_PASSED_OVER = R"sql(
UPDATE inbox SET passed_over_at = now()
WHERE ctid = ANY ($1::tid[]) AND passed_over_at IS NULL
)sql";

// When the next row not held for its recheck is due ($1-$3 as CLAIM's $2-$4).
inline const std::string NEXT_DUE = R"sql(
SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::bigint
FROM inbox i WHERE state = 'pending' AND )sql" +
                                    notHeld(1) + R"sql(
)sql";

// The assignment transaction plans on the indexes whatever the statistics say.
inline const std::string INDEXES_ONLY = "SET LOCAL enable_seqscan = off";

} // namespace courierd::sql::pipeline
