-- Every operator change to a source's cursor (PUT /api/v1/sources/{name}/cursor): when, from
-- what to what, who asked (the client's address) and why, for audit and for undo.
CREATE TABLE cursor_history (
    id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source   text        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now(),
    previous text,                -- NULL: the source had no cursor yet
    cursor   text        NOT NULL, -- '': reset (the plugin starts from its start)
    remote   text        NOT NULL,
    reason   text        NOT NULL DEFAULT ''
);
CREATE INDEX cursor_history_by_source ON cursor_history (source, id);
