-- Invariants 2 and 3 of ARCHITECTURE.md, checked after a benchmark phase: one line per
-- violation, nothing when they hold. (tests/support/Invariants.cpp checks the same rules.)
SELECT 'an order has two deliveries: ' || order_id FROM deliveries GROUP BY order_id HAVING count(*) > 1
UNION ALL
SELECT 'busy courier without an unexpired delivery: ' || c.id FROM couriers c
 WHERE c.status = 'busy' AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.deadline > now())
UNION ALL
SELECT 'courier with an unexpired delivery not busy: ' || c.id FROM couriers c
 WHERE c.status <> 'busy' AND EXISTS (SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.deadline > now())
UNION ALL
SELECT 'delivery_count differs: ' || c.id FROM couriers c
 WHERE c.delivery_count <> (SELECT count(*) FROM deliveries d WHERE d.courier_id = c.id);
