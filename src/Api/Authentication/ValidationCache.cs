using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// The front end's answers for keys it validated recently, so a busy key costs no grain call. Only "valid" answers are
/// kept, with the hash of the secret that earned them, and one is used only while all of these hold:
/// <list type="bullet">
/// <item>the key has not expired (checked against the clock on every use, as the key grain does);</item>
/// <item>no change to the key or its tenant has been heard since the answer was asked for (revoke, delete, expiry, roles
/// and tenant settings are pushed here by <see cref="IKeyChangesGrain"/> before they are acknowledged);</item>
/// <item>this front end's lease is current: it renewed its place among the listeners within
/// <see cref="ApiKeysOptions.ValidationCacheLease"/>, so a change that could not reach it is honoured within that;</item>
/// <item>the answer is younger than <see cref="ApiKeysOptions.ValidationCacheTtl"/>, the safety net behind all of it.</item>
/// </list>
/// </summary>
public sealed class ValidationCache : IKeyChangeSubscriber
{
    readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    /// <summary>The same answers looked up by a slice of the presented token, so a cache hit allocates no key id.</summary>
    readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> byKeyId;
    readonly long ttl;
    readonly long lease;

    public ValidationCache(IOptions<ApiKeysOptions> options, IMeterFactory? meters = null)
    {
        ttl = (long)(options.Value.ValidationCacheTtl.TotalSeconds * Stopwatch.Frequency);
        lease = (long)(options.Value.ValidationCacheLease.TotalSeconds * Stopwatch.Frequency);
        byKeyId = entries.GetAlternateLookup<ReadOnlySpan<char>>();
        // With the process's heap size, this gives what a cached key costs (the benchmark reads both).
        meters?.Create(Telemetry.Meter).CreateObservableGauge("apikeys.validation_cache.answers", () => entries.Count, "{answer}",
            "Valid answers this front end keeps");
    }

    /// <summary>Moves with every change heard; an answer asked for before a change is not kept.</summary>
    long generation;

    /// <summary>Until when (a <see cref="Stopwatch"/> timestamp) this front end has heard every change.</summary>
    long leaseUntil;

    public bool Enabled => ttl > 0;

    /// <summary>How many answers are kept now.</summary>
    public int Count => entries.Count;

    /// <summary>
    /// The kept answer, if it may be used now and the key's restrictions allow <paramref name="request"/>; a refusal for
    /// scope or address is the key's to give, so it goes to the key, which counts it.
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> keyId, ReadOnlySpan<byte> secretHash, DateTimeOffset now, in AccessRequest request, out Validation validation)
    {
        validation = null!;
        if (!byKeyId.TryGetValue(keyId, out var entry))
        {
            return false;
        }
        var timestamp = Stopwatch.GetTimestamp();
        if (timestamp >= Volatile.Read(ref leaseUntil) || timestamp - entry.Asked >= ttl || now >= entry.Validation.Expiry
            || !CryptographicOperations.FixedTimeEquals(secretHash, entry.SecretHash))
        {
            // A wrong secret goes to the key, which counts the attempt for its tenant to see.
            return false;
        }
        if (entry.Access is { } access && access.Check(request) != ValidationCode.Valid)
        {
            return false;
        }
        validation = entry.Validation;
        return true;
    }

    /// <summary>Call before asking the key; pass the result to <see cref="Keep"/>.</summary>
    public (long Generation, long Asked) BeforeAsking() => (Volatile.Read(ref generation), Stopwatch.GetTimestamp());

    /// <summary>Keeps a valid answer, unless a change was heard since it was asked for.</summary>
    public void Keep(string keyId, byte[] secretHash, Validation validation, (long Generation, long Asked) asked)
    {
        if (!Enabled || !validation.Valid || Volatile.Read(ref generation) != asked.Generation)
        {
            return;
        }
        // The key's ranges are parsed here, once per answer kept, not per use.
        var entry = new Entry(secretHash, validation, asked.Asked, KeyAccess.For(validation.Scopes, validation.AllowedCidrs));
        entries[keyId] = entry;
        // A change heard between the check above and the store: changes move the generation before they remove.
        if (Volatile.Read(ref generation) != asked.Generation)
        {
            entries.TryRemove(KeyValuePair.Create(keyId, entry));
        }
    }

    /// <summary>Drops answers past the TTL, so memory follows the keys in use, not every key ever seen.</summary>
    public void DropStale()
    {
        var timestamp = Stopwatch.GetTimestamp();
        foreach (var (keyId, entry) in entries)
        {
            if (timestamp - entry.Asked >= ttl)
            {
                entries.TryRemove(KeyValuePair.Create(keyId, entry));
            }
        }
    }

    public void KeysChanged(IReadOnlyList<string> keyIds)
    {
        Interlocked.Increment(ref generation);
        foreach (var keyId in keyIds)
        {
            entries.TryRemove(keyId, out _);
        }
    }

    public void TenantChanged(string tenantId)
    {
        Interlocked.Increment(ref generation);
        foreach (var (keyId, entry) in entries)
        {
            if (entry.Validation.TenantId == tenantId)
            {
                entries.TryRemove(KeyValuePair.Create(keyId, entry));
            }
        }
    }

    public void Reset()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }

    public void HeardAllUntil(long timestamp)
    {
        var until = timestamp + lease;
        long current;
        do
        {
            current = Volatile.Read(ref leaseUntil);
        }
        while (until > current && Interlocked.CompareExchange(ref leaseUntil, until, current) != current);
    }

    sealed record Entry(byte[] SecretHash, Validation Validation, long Asked, KeyAccess? Access);
}
