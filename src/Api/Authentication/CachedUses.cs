using System.Collections.Concurrent;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// Validations this front end answered from its <see cref="ValidationCache"/>, counted per key and minute until the
/// next flush hands them to the keys (<see cref="IApiKeyGrain.RecordUses"/>), so usage, last use and excessive usage
/// still see every validation.
/// </summary>
public sealed class CachedUses
{
    readonly ConcurrentDictionary<string, Tally> keys = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Tally>.AlternateLookup<ReadOnlySpan<char>> byKeyId;

    public CachedUses() => byKeyId = keys.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// One validation of <paramref name="keyId"/> answered from the cache. A key already counted since the last flush is
    /// found by the slice of its token, so counting it allocates nothing; its first use in a flush interval makes its id.
    /// </summary>
    public void Count(ReadOnlySpan<char> keyId, DateTimeOffset now)
    {
        var minute = UsageMinute.Of(now);
        if (byKeyId.TryGetValue(keyId, out var tally))
        {
            lock (tally)
            {
                if (!tally.Retired)
                {
                    tally.Add(minute, 1, now);
                    return;
                }
            }
        }
        Add(keyId.ToString(), minute, 1, now);
    }

    /// <summary>
    /// Takes every count, key by key as the caller enumerates, so a flush holds one message's worth of counts at a time
    /// rather than every key's (counts that live through a flush are what the garbage collector copies); what cannot be
    /// delivered goes back with <see cref="GiveBack"/>.
    /// </summary>
    public IEnumerable<KeyUses> Take()
    {
        foreach (var (keyId, tally) in keys)
        {
            KeyUses? taken = null;
            lock (tally)
            {
                if (tally.Uses.Count == 0)
                {
                    // Unused for a whole flush interval: forget the key.
                    tally.Retired = true;
                    keys.TryRemove(KeyValuePair.Create(keyId, tally));
                }
                else
                {
                    taken = new KeyUses(keyId, [.. tally.Uses.Select(u => new MinuteUses(u.Key, u.Value.Count, u.Value.Last))]);
                    tally.Uses.Clear();
                }
            }
            if (taken is not null)
            {
                yield return taken;
            }
        }
    }

    public void GiveBack(KeyUses key)
    {
        foreach (var use in key.Uses)
        {
            Add(key.KeyId, use.Minute, use.Count, use.LastUsed);
        }
    }

    void Add(string keyId, long minute, long count, DateTimeOffset at)
    {
        while (true)
        {
            var tally = keys.GetOrAdd(keyId, static _ => new Tally());
            lock (tally)
            {
                // A tally taken out of the dictionary by Take is never counted into again: it would be lost.
                if (!tally.Retired)
                {
                    tally.Add(minute, count, at);
                    return;
                }
            }
        }
    }

    sealed class Tally
    {
        public Dictionary<long, (long Count, DateTimeOffset Last)> Uses { get; } = [];

        public bool Retired { get; set; }

        public void Add(long minute, long count, DateTimeOffset at)
        {
            var (before, last) = Uses.GetValueOrDefault(minute);
            Uses[minute] = (before + count, last > at ? last : at);
        }
    }
}
