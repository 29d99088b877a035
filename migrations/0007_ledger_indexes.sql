-- The ledger's lists (GET /api/v1/inbox, GET /api/v1/deliveries): newest first in keyset
-- pages, each page one backward range scan of one of these indexes at any table size.
-- inbox: by state (and by source and state), newest fetched first; a list of every state
-- merges one scan per state.
CREATE INDEX inbox_by_state ON inbox (state, fetched_at, source, record_id);
CREATE INDEX inbox_by_source_state ON inbox (source, state, fetched_at, record_id);
-- deliveries: newest (highest id) first, of one source or one courier. The courier's index
-- replaces (courier_id, deadline), which no statement reads.
CREATE INDEX deliveries_by_source ON deliveries (source, id);
CREATE INDEX deliveries_by_courier ON deliveries (courier_id, id);
DROP INDEX deliveries_courier;
