-- Orders that change at the source (issue 21). An inbox row keeps when its order was last asked
-- about again (Source::recheck()) and what the source said: the fate, and its reason after a
-- colon (`canceled: status canceled`). A delivery whose order was canceled or is gone at the
-- source ends: its courier is available again in the same transaction, and the row stays as
-- history with ended_at and end_reason. A courier is busy exactly while it has a delivery that
-- has neither ended nor passed its deadline (invariant 3); an order whose delivery ended is
-- never assigned again (the delivery row still holds its key).
-- Added without defaults: no table is rewritten.
ALTER TABLE inbox
    ADD COLUMN rechecked_at    timestamptz,
    ADD COLUMN recheck_verdict text;

ALTER TABLE deliveries
    ADD COLUMN rechecked_at timestamptz,
    ADD COLUMN ended_at     timestamptz,
    ADD COLUMN end_reason   text
        CONSTRAINT deliveries_end_reason CHECK (end_reason IN ('canceled_at_source', 'gone_at_source')),
    ADD CONSTRAINT deliveries_ended_has_reason CHECK ((ended_at IS NULL) = (end_reason IS NULL));

-- The recheck of running deliveries: a source's deliveries that have not ended, the
-- longest-unchecked (never checked) first.
CREATE INDEX deliveries_to_recheck ON deliveries (source, rechecked_at NULLS FIRST, id)
    WHERE ended_at IS NULL;
