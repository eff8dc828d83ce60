-- A write that names a version must find its row: 0001's upsert would recreate a missing row for a versioned write.
-- Now the insert is attempted only for a new state (no version) or when the row exists (so that it turns into the
-- version-checked update); changes() still reports whether this one statement wrote.
UPDATE OrleansQuery SET QueryText = '
INSERT INTO OrleansStorage (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1,
                            GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
       COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, COALESCE(@GrainStateVersion, 0) + 1, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL OR EXISTS (
    SELECT 1 FROM OrleansStorage
    WHERE ServiceId = @ServiceId AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
      AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (ServiceId, GrainTypeHash, GrainIdHash, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
DO UPDATE SET PayloadBinary = excluded.PayloadBinary,
              Version = OrleansStorage.Version + 1,
              ModifiedOn = excluded.ModifiedOn
WHERE OrleansStorage.Version = @GrainStateVersion;
SELECT CASE WHEN changes() > 0 THEN COALESCE(@GrainStateVersion, 0) + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion;
'
WHERE QueryKey = 'WriteToStorageKey';
