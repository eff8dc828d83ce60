-- Cluster membership for Orleans' ADO.NET clustering provider (invariant Npgsql), in cluster mode. The provider reads
-- these nine statements by key at start (silos and clients alike) and binds: @DeploymentId (the cluster id),
-- @Address @Port @Generation (a silo), @SiloName @HostName @Status @ProxyPort @StartTime @IAmAliveTime @SuspectTimes,
-- and @Version (the table version it read). It reads columns by name. Insert and update answer a single 1 or 0:
-- the change happens, and the table version moves on by one, only if the version it read is still current.

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId TEXT        NOT NULL PRIMARY KEY,
    Timestamp    TIMESTAMPTZ NOT NULL DEFAULT now(),
    Version      INTEGER     NOT NULL DEFAULT 0
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId TEXT        NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      TEXT        NOT NULL,
    Port         INTEGER     NOT NULL,
    Generation   INTEGER     NOT NULL,
    SiloName     TEXT        NOT NULL,
    HostName     TEXT        NOT NULL,
    Status       INTEGER     NOT NULL,
    ProxyPort    INTEGER     NOT NULL,
    SuspectTimes TEXT        NULL,
    StartTime    TIMESTAMPTZ NOT NULL,
    IAmAliveTime TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- 1 when this call created the cluster's version row, 0 when it was there already.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT CAST(COUNT(*) AS INTEGER) FROM created;
');

-- The version moves on only if it is the one the silo read and the silo is not in the table yet; the row is
-- inserted only if the version moved. Concurrent callers queue on the version row, so exactly one of them wins.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
WITH advanced AS (
    UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = @DeploymentId AND Version = @Version
      AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable
                      WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId
), inserted AS (
    INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
                                        StartTime, IAmAliveTime)
    SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM advanced
    RETURNING 1
)
SELECT CAST(COUNT(*) AS INTEGER) FROM inserted;
');

-- An update of a silo in the table: the version row is locked first (and must still hold the version read), the silo
-- row is updated, and the version moves on only if that update found the row, so the two change together or not at all.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
WITH current_version AS (
    SELECT DeploymentId FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
), updated AS (
    UPDATE OrleansMembershipTable AS m
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM current_version
    WHERE m.DeploymentId = current_version.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    RETURNING m.DeploymentId
), advanced AS (
    UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId IN (SELECT DeploymentId FROM updated)
    RETURNING 1
)
SELECT CAST(COUNT(*) AS INTEGER) FROM advanced;
');

-- A heartbeat: never touches the version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
');

-- Always one row for an existing cluster: the version, with the silo''s columns when it is in the table.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes,
       m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
');

-- The version with every silo; one row with empty silo columns when there is none.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes,
       m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
');

-- Gateways clients may connect to: active silos that listen for clients.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
');

-- Rows of silos long gone (not active, silent since the cutoff), so the table does not grow with every restart.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;
');
