-- The cursor is written compare-and-set: every write raises `version`, and an ingest stores its
-- cursor only if the stored one is still the one its tick started from. Found by the failover
-- test: after an asynchronous standby was promoted, the stored cursor was older than the one
-- the lease holder kept in memory, and the orders in between were never fetched again.
ALTER TABLE source_cursors ADD COLUMN version bigint NOT NULL DEFAULT 1;
