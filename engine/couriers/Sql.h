#pragma once

#include "couriers/Statements.h"

#include <string>

/// Every SQL statement of couriers/, in one place.
namespace courierd::sql::couriers
{

// The set-based assignment: engine/couriers/sql/assign.sql, compiled in (bench/ runs the file).
inline const std::string ASSIGN = sql::ASSIGN;

// CourierRepository: a courier's columns, as readCouriers() reads them.
#define COURIERD_COURIER_COLUMNS                                                                   \
    "id, name, phone, status, transport_type, delivery_count, active_order_id, "                   \
    "(extract(epoch FROM busy_until) * 1000000)::bigint, active_source"

inline const std::string CREATE_COURIER =
    "INSERT INTO couriers (name, phone, status, transport_type) VALUES ($1, $2, $3, $4) "
    "RETURNING " COURIERD_COURIER_COLUMNS;
inline const std::string LOCK_COURIER =
    "SELECT " COURIERD_COURIER_COLUMNS " FROM couriers WHERE id = $1 FOR UPDATE";
inline const std::string UPDATE_COURIER =
    "UPDATE couriers SET name = $2, phone = $3, status = $4, transport_type = $5, "
    "updated_at = now() WHERE id = $1 RETURNING " COURIERD_COURIER_COLUMNS;
inline const std::string COURIER =
    "SELECT " COURIERD_COURIER_COLUMNS " FROM couriers WHERE id = $1";
inline const std::string COURIERS_WITH_STATUS =
    "SELECT " COURIERD_COURIER_COLUMNS " FROM couriers WHERE status = $1 ORDER BY id";
inline const std::string COURIERS = "SELECT " COURIERD_COURIER_COLUMNS " FROM couriers ORDER BY id";
inline const std::string COURIERS_BY_STATUS =
    "SELECT status, count(*) FROM couriers GROUP BY status";

#undef COURIERD_COURIER_COLUMNS

// One lock key for the demo couriers: two instances starting at once add each courier once.
inline const std::string LOCK_DEMO_COURIERS =
    "SELECT pg_advisory_xact_lock(hashtext('courierd.demo_couriers'))";
inline const std::string ADD_DEMO_COURIERS = R"sql(
WITH added AS (
    INSERT INTO couriers (name, phone, status, transport_type)
    SELECT 'demo courier ' || n, '+7 900 000-' || lpad(n::text, 4, '0'), 'available',
           (ARRAY['on_foot', 'scooter', 'car'])[1 + (n - 1) % 3]
    FROM generate_series(1, $1) AS n
    WHERE NOT EXISTS (SELECT 1 FROM couriers WHERE name = 'demo courier ' || n)
    RETURNING 1)
SELECT count(*)::int FROM added
)sql";

// The courier is freed only if this delivery is the one it is busy with: an expired delivery
// whose courier has moved on leaves that courier alone. The order goes back to pending ($3) or
// is skipped, in the same transaction: never assigned with no delivery. The operator's reason
// ($4) and address ($5) go to the audit trail (unassignments) in it too.
inline const std::string UNASSIGN = R"sql(
WITH removed AS (
    DELETE FROM deliveries WHERE source = $1 AND order_id = $2 AND ended_at IS NULL
    RETURNING courier_id, assigned_at
), audit AS (
    INSERT INTO unassignments (source, order_id, courier_id, assigned_at, requeued, reason, remote)
    SELECT $1, $2, courier_id, assigned_at, $3::boolean, $4, $5 FROM removed
), busy AS (
    SELECT c.id FROM couriers c JOIN removed r ON c.id = r.courier_id
    WHERE c.active_source = $1 AND c.active_order_id = $2
), marked AS (
    UPDATE inbox
    SET state = CASE WHEN $3::boolean THEN 'pending' ELSE 'skipped' END,
        reason = CASE WHEN $3::boolean THEN NULL ELSE 'unassigned by operator' END,
        attempts = 0, next_attempt_at = now(), updated_at = now()
    WHERE source = $1 AND record_id = $2 AND EXISTS (SELECT 1 FROM removed)
    RETURNING state
), freed AS (
    UPDATE couriers c
    SET delivery_count = c.delivery_count - 1,
        status = CASE WHEN c.active_source = $1 AND c.active_order_id = $2 THEN 'available'
                      ELSE c.status END,
        busy_until = CASE WHEN c.active_source = $1 AND c.active_order_id = $2 THEN NULL
                          ELSE c.busy_until END,
        active_order_id = CASE WHEN c.active_source = $1 AND c.active_order_id = $2 THEN NULL
                               ELSE c.active_order_id END,
        active_source = CASE WHEN c.active_source = $1 AND c.active_order_id = $2 THEN NULL
                             ELSE c.active_source END,
        updated_at = now()
    FROM removed r
    WHERE c.id = r.courier_id
)
SELECT r.courier_id, (EXISTS (SELECT 1 FROM busy))::int, (SELECT state FROM marked)
FROM removed r
)sql";

// Ends running deliveries ($2 order ids, $3 reasons) of source $1, freeing the courier busy
// with each; the rows stay. One row per delivery ended now: its order id.
inline const std::string END_DELIVERIES = R"sql(
WITH wanted AS (
    SELECT order_id, reason FROM unnest($2::text[], $3::text[]) AS w (order_id, reason)
), ended AS (
    UPDATE deliveries d
    SET ended_at = now(), end_reason = w.reason
    FROM wanted w
    WHERE d.source = $1 AND d.order_id = ANY ($2::text[]) AND d.order_id = w.order_id
      AND d.ended_at IS NULL AND d.deadline > now()
    RETURNING d.courier_id, d.order_id
), freed AS (
    UPDATE couriers c
    SET status = 'available', active_order_id = NULL, active_source = NULL, busy_until = NULL,
        updated_at = now()
    FROM ended e
    WHERE c.id = e.courier_id AND c.active_source = $1 AND c.active_order_id = e.order_id
)
SELECT order_id FROM ended ORDER BY order_id
)sql";

// Whether source $1's order $2 has a delivery that ended at the source.
inline const std::string DELIVERY_ENDED =
    "SELECT count(*) FROM deliveries WHERE source = $1 AND order_id = $2 AND ended_at IS NOT NULL";

inline const std::string RELEASE = R"sql(
UPDATE couriers
SET status = 'available', active_order_id = NULL, active_source = NULL, busy_until = NULL,
    updated_at = now()
WHERE status = 'busy' AND busy_until <= now()
)sql";

} // namespace courierd::sql::couriers
