-- Retention of the operators' history (retention.replays, retention.cursor_history): the
-- sweep deletes finished replays and cursor changes older than their limit, a batch at a time,
-- by these indexes (without them each batch would read the whole table).
CREATE INDEX replays_finished_at ON replays (finished_at) WHERE state <> 'running';
CREATE INDEX cursor_history_at ON cursor_history (at);
