-- The second baseline of bench/run: the single-order assignment statement courierd ran before
-- set-based assignment (engine/couriers/sql/assign.sql), kept so that the benchmark also compares with
-- a statement written for exactly one order. $1 order id, $2 source, $3/$4/$5 deadlines in ms
-- for on_foot/scooter/car. Lock the least-loaded available courier, insert the delivery, mark
-- the courier busy; an order with a delivery already is answered from `existing`.
WITH existing AS (
    SELECT courier_id, deadline FROM deliveries WHERE source = $2 AND order_id = $1
), picked AS (
    SELECT id, transport_type FROM couriers
    WHERE status = 'available' AND NOT EXISTS (SELECT 1 FROM existing)
    ORDER BY delivery_count, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
), delivery AS (
    INSERT INTO deliveries (courier_id, order_id, source, deadline)
    SELECT id, $1, $2, now() + CASE transport_type
                                   WHEN 'on_foot' THEN $3::bigint
                                   WHEN 'scooter' THEN $4::bigint
                                   ELSE $5::bigint
                               END * interval '1 millisecond'
    FROM picked
    ON CONFLICT (source, order_id) DO NOTHING
    RETURNING courier_id, deadline
), busy AS (
    UPDATE couriers c
    SET status = 'busy', active_order_id = $1, active_source = $2, busy_until = d.deadline,
        delivery_count = c.delivery_count + 1, updated_at = now()
    FROM delivery d
    WHERE c.id = d.courier_id
)
SELECT 1::bigint, courier_id, (extract(epoch FROM deadline) * 1000000)::bigint FROM delivery
UNION ALL
SELECT 0::bigint, courier_id, (extract(epoch FROM deadline) * 1000000)::bigint FROM existing
