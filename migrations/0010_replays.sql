-- Replays of a time range beside the live cursor (POST /api/v1/sources/{name}/replays): the
-- instance holding the source's lease reads the range through the source's plugin, on the
-- replay's own cursor, between its polls. Survives restarts and lease moves: whoever holds the
-- lease next goes on from `cursor`.
CREATE TABLE replays (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       text        NOT NULL,
    from_at      timestamptz NOT NULL,
    to_at        timestamptz NOT NULL CHECK (to_at > from_at),
    state        text        NOT NULL DEFAULT 'running'
                             CHECK (state IN ('running', 'done', 'failed', 'canceled')),
    cursor       text        NOT NULL,
    records_read bigint      NOT NULL DEFAULT 0,
    records_new  bigint      NOT NULL DEFAULT 0,
    error        text,
    holder       text,
    remote       text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
-- One running replay per source.
CREATE UNIQUE INDEX replays_one_running ON replays (source) WHERE state = 'running';
