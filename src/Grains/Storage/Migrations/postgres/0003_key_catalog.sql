-- The key catalog: a relational read model of every key, kept by the ApiKey grains, for admin listing and search,
-- and for the expiry sweep. Times are Unix milliseconds (UTC) so they sort and compare the same in every dialect.
CREATE TABLE key_catalog
(
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    sub             TEXT    NOT NULL,
    sub_type        TEXT    NOT NULL,
    created_by_user TEXT    NOT NULL,
    created         BIGINT  NOT NULL,
    last_updated    BIGINT  NOT NULL,
    expiry          BIGINT  NOT NULL,
    version         INTEGER NOT NULL,
    usage_count     BIGINT  NOT NULL DEFAULT 0,
    last_used       BIGINT  NULL
);

-- One index per supported sort (id breaks ties and is the paging cursor), plus the sweep's.
CREATE INDEX ix_key_catalog_created         ON key_catalog (tenant_id, created, id);
CREATE INDEX ix_key_catalog_sub             ON key_catalog (tenant_id, sub, id);
CREATE INDEX ix_key_catalog_created_by_user ON key_catalog (tenant_id, created_by_user, id);
CREATE INDEX ix_key_catalog_status          ON key_catalog (tenant_id, status, id);
CREATE INDEX ix_key_catalog_description     ON key_catalog (tenant_id, description, id);
CREATE INDEX ix_key_catalog_expiry          ON key_catalog (status, expiry);
