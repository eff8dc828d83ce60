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

-- A write with a version updates the row holding exactly that version; a write without one (a new state) inserts,
-- and only where there is no row. Either returns the new version; when neither wrote, the old one, which Orleans
-- reads as a conflict. A versioned write never recreates a missing row.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
    WHERE ServiceId = @ServiceId AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
      AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND Version = CAST(@GrainStateVersion AS INTEGER)
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1,
                                GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, 1, now()
    WHERE CAST(@GrainStateVersion AS INTEGER) IS NULL
    ON CONFLICT (ServiceId, GrainTypeHash, GrainIdHash, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO NOTHING
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM updated), (SELECT Version FROM inserted), CAST(@GrainStateVersion AS INTEGER)) AS NewGrainStateVersion;
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
