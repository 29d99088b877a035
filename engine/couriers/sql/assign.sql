-- Assign a set of orders in one statement (so one transaction), many orders to many couriers:
--   $1 text[] order ids, most urgent first; $2 text[] their sources (same length);
--   $3/$4/$5 bigint deadlines in ms for on_foot/scooter/car.
-- The k-th order still needing a courier gets the k-th least-loaded available courier (fewest
-- deliveries, then lowest id): exactly what assigning the orders one by one, in array order,
-- would do, as each assignment makes its courier busy. Couriers are locked FOR UPDATE SKIP
-- LOCKED, so concurrent statements split them and never wait on each other; deliveries are
-- inserted in key order with ON CONFLICT (source, order_id) DO NOTHING, so that a concurrent
-- statement assigning the same orders can neither double-book nor deadlock. An order is
-- (source, order id): ids are unique within a source only.
-- Rows are found by `= ANY (array)`, which lets the planner use an index scan even where
-- statistics are stale (the pipeline also sets enable_seqscan off for its transaction): joins
-- against the CTEs were planned as scans of the whole tables, once per set.
-- One row per order (source, order_id, fresh, courier_id, deadline_us):
--   fresh = 1: assigned now to courier_id until deadline_us (epoch µs);
--   fresh = 0: it already had that delivery (nothing written);
--   fresh = 2: no courier is free for it (nothing written).
-- An order missing from the answer was assigned by a concurrent statement while this one ran.
-- Compiled into courierd (engine/couriers/CourierAssigner.cpp); bench/ runs this file through pgbench.
WITH wanted AS (
    SELECT DISTINCT ON (source, order_id) order_id, source, n
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w (order_id, source, n)
    ORDER BY source, order_id, n
), existing AS (
    SELECT d.source, d.order_id, d.courier_id, d.deadline FROM deliveries d
    WHERE d.order_id = ANY ($1::text[]) AND d.source = ANY ($2::text[])
      AND EXISTS (SELECT 1 FROM wanted w WHERE w.source = d.source AND w.order_id = d.order_id)
), needing AS (
    SELECT w.order_id, w.source, row_number() OVER (ORDER BY w.n) AS rank
    FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM existing e
                      WHERE e.source = w.source AND e.order_id = w.order_id)
), picked AS (
    SELECT id, transport_type, delivery_count FROM couriers
    WHERE status = 'available'
    ORDER BY delivery_count, id
    LIMIT (SELECT count(*) FROM needing)
    FOR UPDATE SKIP LOCKED
), ranked AS (
    SELECT id, transport_type, row_number() OVER (ORDER BY delivery_count, id) AS rank
    FROM picked
), delivery AS (
    INSERT INTO deliveries (courier_id, order_id, source, deadline)
    SELECT r.id, n.order_id, n.source,
           now() + CASE r.transport_type
                       WHEN 'on_foot' THEN $3::bigint
                       WHEN 'scooter' THEN $4::bigint
                       ELSE $5::bigint
                   END * interval '1 millisecond'
    FROM needing n JOIN ranked r USING (rank)
    ORDER BY n.source, n.order_id
    ON CONFLICT (source, order_id) DO NOTHING
    RETURNING courier_id, source, order_id, deadline
), busy AS (
    UPDATE couriers c
    SET status = 'busy', active_order_id = d.order_id, active_source = d.source,
        busy_until = d.deadline, delivery_count = c.delivery_count + 1, updated_at = now()
    FROM delivery d
    WHERE c.id = d.courier_id
      AND c.id = ANY (ARRAY (SELECT courier_id FROM delivery))
)
SELECT source, order_id, 1::bigint AS fresh, courier_id,
       (extract(epoch FROM deadline) * 1000000)::bigint AS deadline_us
FROM delivery
UNION ALL
SELECT source, order_id, 0, courier_id, (extract(epoch FROM deadline) * 1000000)::bigint
FROM existing
UNION ALL
SELECT source, order_id, 2, NULL, NULL FROM needing WHERE rank > (SELECT count(*) FROM ranked)
