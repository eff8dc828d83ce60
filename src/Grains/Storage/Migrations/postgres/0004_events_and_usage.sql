-- Audit events: append-only, CloudEvents-shaped. Aggregated events (validation failures per key per minute) keep one
-- row whose data is replaced as the count grows. Times are Unix milliseconds; data is a JSON object.
CREATE TABLE audit_events
(
    id        TEXT    NOT NULL PRIMARY KEY,
    tenant_id TEXT    NULL,
    time      BIGINT  NOT NULL,
    type      TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    user_id   TEXT    NULL,
    key_id    TEXT    NULL,
    data      TEXT    NOT NULL
);

CREATE INDEX ix_audit_events_tenant_time ON audit_events (tenant_id, time, id);
CREATE INDEX ix_audit_events_tenant_key  ON audit_events (tenant_id, key_id, time, id);
CREATE INDEX ix_audit_events_tenant_type ON audit_events (tenant_id, type, time, id);
CREATE INDEX ix_audit_events_tenant_user ON audit_events (tenant_id, user_id, time, id);
CREATE INDEX ix_audit_events_time        ON audit_events (time);

-- Validations per key per minute (Unix minutes), added to in batches by the key grains' usage flush.
CREATE TABLE key_usage
(
    key_id    TEXT    NOT NULL,
    minute    BIGINT  NOT NULL,
    tenant_id TEXT    NOT NULL,
    successes BIGINT  NOT NULL,
    failures  BIGINT  NOT NULL,
    PRIMARY KEY (key_id, minute)
);

CREATE INDEX ix_key_usage_tenant_minute ON key_usage (tenant_id, minute);
CREATE INDEX ix_key_usage_minute        ON key_usage (minute);
