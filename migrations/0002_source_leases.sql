-- Which courierd polls each source: a lease with a term (fencing token). The term grows on
-- every takeover; an ingest commits only while its term is still the source's term.

CREATE TABLE source_leases (
    source     text        PRIMARY KEY,
    holder     text        NOT NULL,
    term       bigint      NOT NULL CHECK (term > 0),
    expires_at timestamptz NOT NULL
);
