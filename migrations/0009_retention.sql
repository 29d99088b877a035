-- Retention (retention.inbox, retention.deliveries): what has been deleted of each source. An
-- order created at or before `deleted_through` may have lost its inbox row; should the source
-- send it again (a late answer, a cursor moved back, a replay), it is stored skipped, never
-- assigned a second time, and operators' cursor moves and replays into that range are refused.
CREATE TABLE source_retention (
    source          text        PRIMARY KEY,
    deleted_through timestamptz NOT NULL
);
-- The sweep deletes the oldest deliveries first, a batch at a time.
CREATE INDEX deliveries_assigned_at ON deliveries (assigned_at);
