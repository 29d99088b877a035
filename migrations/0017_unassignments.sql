-- The audit trail of operators' unassigns (DELETE /api/v1/deliveries/{source}/{order_id}): the
-- delivery removed, whether the order went back to pending, who asked (the client's address)
-- and why, written by the unassign's own statement, so that no unassign goes unrecorded. Shown
-- in the order's ledger (GET /api/v1/orders/{source}/{id}); swept with the cursor's history
-- (retention.cursor_history: the operators' own actions).
CREATE TABLE unassignments (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    source      text        NOT NULL,
    order_id    text        NOT NULL,
    courier_id  bigint      NOT NULL,
    assigned_at timestamptz NOT NULL,
    requeued    boolean     NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    remote      text        NOT NULL DEFAULT ''
);
CREATE INDEX unassignments_by_order ON unassignments (source, order_id, id);
CREATE INDEX unassignments_at ON unassignments (at);
