-- Every running courierd and the sources it has configured (paused ones and those between
-- ticks included), beating every third of its daemon.lease_ttl (`ttl`, kept with the row, so
-- that instances configured differently judge one another alike); alive while its beat is
-- younger than that, removed at a clean stop. `courierd --rename-source FROM=TO` is refused while
-- an instance that has FROM or TO configured is alive: a lease alone shows only the sources
-- being polled right now.
CREATE TABLE instances (
    instance_id  text        PRIMARY KEY,
    sources      text[]      NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    ttl          interval    NOT NULL
);
CREATE INDEX instances_sources ON instances USING gin (sources);
