-- A source's replays, newest first (GET /api/v1/sources/{name}/replays, the console): keyset
-- pages by id within a source, a range of this index however many replays retention keeps.
CREATE INDEX replays_by_source ON replays (source, id);
