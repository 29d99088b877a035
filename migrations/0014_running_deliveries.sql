-- The recheck of running deliveries reads a source's deliveries that have neither ended nor
-- passed their deadline: a range of (source, deadline) among those not ended, at most one a
-- busy courier, however long the history kept. 0013's index on rechecked_at made it walk
-- every expired delivery never checked (those of a source without rechecks, or from before
-- them) on every recheck. The pages of GET /api/v1/deliveries?ended=true walk the ended ones
-- alone, newest first.
DROP INDEX deliveries_to_recheck;
CREATE INDEX deliveries_running ON deliveries (source, deadline) WHERE ended_at IS NULL;
CREATE INDEX deliveries_ended ON deliveries (id) WHERE ended_at IS NOT NULL;
