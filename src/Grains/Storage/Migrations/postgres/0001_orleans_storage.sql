-- Grain state for Orleans' ADO.NET storage provider (invariant Npgsql). Same contract as the SQLite script:
-- the provider reads statements from OrleansQuery by key, binds @ServiceId @GrainTypeHash @GrainTypeString
-- @GrainIdHash @GrainIdN0 @GrainIdN1 @GrainIdExtensionString @GrainStateVersion @PayloadBinary, and reads back
-- PayloadBinary, Version and NewGrainStateVersion (the old version when the optimistic check failed).

CREATE TABLE OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE OrleansStorage
(
    ServiceId              TEXT        NOT NULL,
    GrainTypeHash          INTEGER     NOT NULL,
    GrainTypeString        TEXT        NOT NULL,
    GrainIdHash            INTEGER     NOT NULL,
    GrainIdN0              BIGINT      NOT NULL,
    GrainIdN1              BIGINT      NOT NULL,
    GrainIdExtensionString TEXT        NOT NULL,
    PayloadBinary          BYTEA       NULL,
    Version                INTEGER     NOT NULL,
    ModifiedOn             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeHash, GrainIdHash, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''');
');

-- Insert-or-update in one statement: a new state (no version) inserts, an update must name the stored version.
-- The upsert returns the new version when it wrote, nothing when the check failed; the outer SELECT turns that
-- into the old version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
WITH written AS (
    INSERT INTO OrleansStorage (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1,
                                GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
    VALUES (@ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
            COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, COALESCE(CAST(@GrainStateVersion AS INTEGER), 0) + 1, now())
    ON CONFLICT (ServiceId, GrainTypeHash, GrainIdHash, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
    DO UPDATE SET PayloadBinary = excluded.PayloadBinary, Version = OrleansStorage.Version + 1, ModifiedOn = excluded.ModifiedOn
    WHERE OrleansStorage.Version = CAST(@GrainStateVersion AS INTEGER)
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM written), CAST(@GrainStateVersion AS INTEGER)) AS NewGrainStateVersion;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
    WHERE ServiceId = @ServiceId AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
      AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND Version = CAST(@GrainStateVersion AS INTEGER)
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM cleared), CAST(@GrainStateVersion AS INTEGER)) AS NewGrainStateVersion;
');
