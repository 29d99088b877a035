-- Orders that waited for a courier are asked about again before they are assigned (issue 21).
-- An assignment worker that finds no courier free for a pending row stamps it passed_over_at
-- (once: the first time). Such a row, of a source that rechecks (source.NAME.recheck_after
-- above 0), fetched or last rechecked more than recheck_after ago, is held back from the claim
-- until its source has been asked about it again (rechecked_at, recheck_verdict), for at most
-- a short hold; rows that only waited their turn in a drain are never stamped. Added without a
-- default: no table is rewritten.
ALTER TABLE inbox ADD COLUMN passed_over_at timestamptz;

-- The recheck of waiting orders reads a source's passed-over pending rows, the
-- longest-unchecked first, up to those checked within recheck_after: a range of this index,
-- which holds the rows waiting for a courier alone.
CREATE INDEX inbox_waiting ON inbox (source, (coalesce(rechecked_at, fetched_at)))
    WHERE state = 'pending' AND passed_over_at IS NOT NULL;
