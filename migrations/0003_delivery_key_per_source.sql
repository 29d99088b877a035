-- Order ids are unique within a source, not across sources: a delivery is keyed by
-- (source, order_id), and a busy courier names the source of the order it is delivering.
-- Before this, two sources serving the same id shared one delivery: the second source's order
-- was marked assigned with no courier of its own. Such rows go back to pending here, so that
-- they get a courier of their own.

ALTER TABLE deliveries DROP CONSTRAINT deliveries_order_id_key;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_source_order_id_key UNIQUE (source, order_id);

ALTER TABLE couriers ADD COLUMN active_source text;
UPDATE couriers c SET active_source = d.source
FROM deliveries d
WHERE c.status = 'busy' AND d.courier_id = c.id AND d.order_id = c.active_order_id;
-- A busy courier whose active order has no delivery row cannot be told apart; it is freed.
UPDATE couriers SET status = 'available', active_order_id = NULL, busy_until = NULL,
                    updated_at = now()
WHERE status = 'busy' AND active_source IS NULL;
ALTER TABLE couriers DROP CONSTRAINT couriers_busy_has_delivery;
ALTER TABLE couriers ADD CONSTRAINT couriers_busy_has_delivery CHECK (
    (status = 'busy') =
    (active_order_id IS NOT NULL AND active_source IS NOT NULL AND busy_until IS NOT NULL));

UPDATE inbox i
SET state = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
    updated_at = now()
WHERE state = 'assigned'
  AND NOT EXISTS (SELECT 1 FROM deliveries d
                  WHERE d.source = i.source AND d.order_id = i.record_id);
