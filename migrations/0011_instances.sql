-- Every running courierd and the sources it has configured (paused ones and those between
-- ticks included), beating every third of daemon.lease_ttl; alive while its beat is younger
-- than the TTL, removed at a clean stop. `courierd --rename-source FROM=TO` is refused while
-- an instance that has FROM or TO configured is alive: a lease alone shows only the sources
-- being polled right now.
CREATE TABLE instances (
    instance_id  text        PRIMARY KEY,
    sources      text[]      NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instances_sources ON instances USING gin (sources);
