-- Operators' control of each source, shared by every instance and kept across restarts
-- (POST /api/v1/sources/{name}/pause, /resume, /trigger). A source without a row runs.
CREATE TABLE source_controls (
    source text PRIMARY KEY,
    state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused')),
    trigger_requested_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The newest created_at stored from each source (rejected records aside), kept by the ingest
-- statement itself: the freshness lag (courierd_source_lag_seconds) without reading the inbox.
CREATE TABLE source_freshness (
    source text PRIMARY KEY,
    newest_created_at timestamptz NOT NULL
);
INSERT INTO source_freshness (source, newest_created_at)
SELECT source, max(created_at) FROM inbox
WHERE state <> 'rejected' AND created_at IS NOT NULL
GROUP BY source;
