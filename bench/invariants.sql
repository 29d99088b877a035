-- Invariants 1-4 of ARCHITECTURE.md, checked after a benchmark phase: one line per violation,
-- nothing when they hold. (tests/support/Invariants.cpp checks the same rules.) The table
-- fake_orders holds what the fake service-order served (empty for phases without a source).
-- 1. The cursor never passes a record that is not in the inbox.
(WITH watermark AS MATERIALIZED ( -- parse each (large) cursor once
    SELECT source, (cursor::json ->> 'watermark_us')::bigint AS us FROM source_cursors
)
SELECT 'order at or before the watermark but not in the inbox: ' || f.id
FROM fake_orders f JOIN watermark w ON f.created_us <= w.us
WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = w.source AND i.record_id = f.id))
UNION ALL
-- 2. Each order has at most one delivery.
SELECT 'an order has two deliveries: ' || source || '/' || order_id FROM deliveries
 GROUP BY source, order_id HAVING count(*) > 1
UNION ALL
-- 3. A courier is busy exactly while it has a delivery that has neither ended at the source
-- nor passed its deadline; loads are consistent.
SELECT 'busy courier without a running delivery: ' || c.id FROM couriers c
 WHERE c.status = 'busy' AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.deadline > now() AND d.ended_at IS NULL)
UNION ALL
SELECT 'courier with a running delivery not busy: ' || c.id FROM couriers c
 WHERE c.status <> 'busy' AND EXISTS (SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.deadline > now() AND d.ended_at IS NULL)
UNION ALL
SELECT 'delivery_count differs: ' || c.id FROM couriers c
 WHERE c.delivery_count <> (SELECT count(*) FROM deliveries d WHERE d.courier_id = c.id)
UNION ALL
-- 4. With couriers enough for every order, nothing is left pending or failed, and every
-- assigned row has its delivery (nothing half-done).
SELECT 'inbox row ' || state || ': ' || record_id FROM inbox WHERE state IN ('pending', 'failed')
UNION ALL
SELECT 'assigned without a delivery: ' || record_id FROM inbox i
 WHERE state = 'assigned'
   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.source = i.source AND d.order_id = i.record_id)
UNION ALL
SELECT 'served but never assigned: ' || f.id FROM fake_orders f
 WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.source = 'orders' AND d.order_id = f.id);
