using System.Diagnostics.Metrics;

namespace ApiKeys.Grains.Keys;

/// <summary>Key lifecycle operations, counted once each is stored: <c>apikeys.key.operations</c> by <c>operation</c>.</summary>
public sealed class KeyOperations(IMeterFactory meters)
{
    public const string Created = "created";
    public const string Renamed = "renamed";
    public const string Restricted = "restricted";
    public const string Revoked = "revoked";
    public const string Deleted = "deleted";
    public const string Expired = "expired";
    public const string Suspended = "suspended";
    public const string Resumed = "resumed";
    public const string Rotated = "rotated";
    public const string Leaked = "leaked";

    readonly Counter<long> operations = meters.Create(Telemetry.Meter)
        .CreateCounter<long>("apikeys.key.operations", "{operation}", "Key lifecycle operations stored: created, renamed, restricted, revoked, deleted, expired, suspended, resumed, rotated, leaked");

    public void Stored(string operation) => operations.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
