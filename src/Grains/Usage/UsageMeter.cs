
namespace ApiKeys.Grains.Usage;

/// <summary>
/// One key's validations, counted in memory between flushes: per-minute successes and failures, the failure reasons
/// behind the aggregated failure event, the last use, and the excessive-usage signal against the tenant's threshold
/// and the key's own baseline. Nothing here does I/O; <see cref="Drain"/> hands over what the flush writes.
/// </summary>
/// <param name="scope">Names this activation in the ids of its aggregated events, so a reactivation never overwrites them.</param>
public sealed class UsageMeter(string keyId, string tenantId, string scope)
{
    /// <summary>Completed minutes remembered for the baseline.</summary>
    public const int BaselineMinutes = 60;

    /// <summary>The factor needs this many completed minutes of history; until then only the absolute threshold applies.</summary>
    public const int MinimumBaselineMinutes = 5;

    /// <summary>A baseline below this counts as this, so a rarely used key is not reported for a handful of calls.</summary>
    public const double BaselineFloor = 60;

    /// <summary>An episode ends after this many whole minutes under both rules, so bursty keys are not reported every other minute.</summary>
    public const int QuietMinutesToEndEpisode = 5;

    /// <summary>
    /// How often a timer's flush writes a busy key's count and last use to its catalog row: the catalog row is the one
    /// write per key that no other key's flush shares a page with, so writing it every flush interval was two thirds of
    /// what 20,000 keys in use wrote to SQLite. Explicit flushes (deactivation, delete) write it at once.
    /// </summary>
    public static readonly TimeSpan CatalogInterval = TimeSpan.FromMinutes(1);

    readonly Dictionary<long, (long Successes, long Failures)> unflushed = [];
    readonly FailureTally failures = new();
    /// <summary>Completed minutes, oldest first; the last is the minute before <see cref="currentMinute"/>.</summary>
    readonly List<long> history = [];
    long historySum;
    long currentMinute = long.MinValue;
    long currentSuccesses;
    ApiKeysConfig? lastPolicy;
    Episode? episode;
    Episode? unreported;
    int quietMinutes;
    bool resumed;
    /// <summary>Successes not yet added to the catalog row's count, and when that row was last written.</summary>
    long catalogSuccesses;
    DateTimeOffset? catalogWritten;

    public DateTimeOffset? LastUsed { get; private set; }

    public bool HasUnflushed => unflushed.Count > 0 || failures.HasChanges || unreported is not null || catalogSuccesses > 0;

    /// <summary>
    /// Picks up from the minutes already stored, so a reactivated key keeps its baseline, its count for this minute,
    /// and an episode it was in (which is then not reported a second time).
    /// </summary>
    public void Resume(IReadOnlyList<(long Minute, long Successes, long Failures)> stored, DateTimeOffset now)
    {
        var minute = UsageMinute.Of(now);
        var byMinute = stored.ToDictionary(m => m.Minute, m => m.Successes);
        for (var m = minute - BaselineMinutes; m < minute; m++)
        {
            Remember(byMinute.GetValueOrDefault(m));
        }
        currentMinute = minute;
        currentSuccesses = byMinute.GetValueOrDefault(minute);
        resumed = true;
    }

    public void Success(DateTimeOffset now, ApiKeysConfig policy) => Successes(UsageMinute.Of(now), 1, now, policy);

    /// <summary>
    /// <paramref name="count"/> successful validations in <paramref name="minute"/>, the last at <paramref name="at"/>. A
    /// front end reports the ones it answered from its cache a little later, so the minute may have ended here already.
    /// </summary>
    public void Successes(long minute, long count, DateTimeOffset at, ApiKeysConfig policy)
    {
        Roll(minute);
        lastPolicy = policy;
        LastUsed = LastUsed > at ? LastUsed : at;
        catalogSuccesses += count;
        unflushed[minute] = unflushed.TryGetValue(minute, out var c) ? (c.Successes + count, c.Failures) : (count, 0);
        if (minute < currentMinute)
        {
            CountLate(minute, count, at, policy);
            return;
        }
        currentSuccesses += count;
        if (resumed)
        {
            // The stored minutes were over the rules before this activation: that episode was reported already.
            resumed = false;
            if (IsExcessive(currentSuccesses - count, policy) || (history.Count > 0 && IsExcessive(history[^1], policy)))
            {
                episode = new Episode(minute, at, currentSuccesses, Baseline, ReportedBefore: true);
            }
        }
        Observe(minute, currentSuccesses, at, policy);
    }

    /// <summary>Adds to a minute that has ended: it is part of the baseline now, and may still turn out excessive.</summary>
    void CountLate(long minute, long count, DateTimeOffset at, ApiKeysConfig policy)
    {
        var index = history.Count - (int)(currentMinute - minute);
        if (index < 0)
        {
            return;
        }
        history[index] += count;
        historySum += count;
        Observe(minute, history[index], at, policy);
    }

    void Observe(long minute, long perMinute, DateTimeOffset at, ApiKeysConfig policy)
    {
        if (episode is null && IsExcessive(perMinute, policy))
        {
            episode = unreported = new Episode(minute, at, perMinute, Baseline, ReportedBefore: false);
        }
        else if (episode is not null && perMinute > episode.Peak)
        {
            // One event per episode, rewritten as it goes so its observed rate is the busiest minute so far.
            episode = episode with { Peak = perMinute };
            if (!episode.ReportedBefore)
            {
                unreported = episode;
            }
        }
    }

    public void Failure(DateTimeOffset now, ValidationCode reason)
    {
        var minute = UsageMinute.Of(now);
        Roll(minute);
        unflushed[minute] = unflushed.TryGetValue(minute, out var c) ? (c.Successes, c.Failures + 1) : (0, 1);
        failures.Add(now, reason);
    }

    /// <summary>The rows and events to write; after the write, <see cref="Flushed"/>, or <see cref="Restore"/> if it failed.</summary>
    /// <param name="eager">Write the catalog's count and last use now, not only once per <see cref="CatalogInterval"/>.</param>
    public Flush Drain(DateTimeOffset now, bool eager)
    {
        var rows = unflushed.Select(u => new UsageLog.Row(keyId, tenantId, u.Key, u.Value.Successes, u.Value.Failures)).ToList();
        var failed = failures.TakeChanged();
        var events = failed.Select(m => AuditEvents.ValidationFailed($"{keyId}-{scope}", tenantId, keyId, m)).ToList();
        if (unreported is not null && lastPolicy is not null)
        {
            events.Add(AuditEvents.ExcessiveUsage(tenantId, keyId, $"{keyId}-{scope}-{unreported.StartMinute}", unreported.StartMinute,
                unreported.Peak, unreported.Baseline, lastPolicy, unreported.Start));
        }
        var catalogDue = catalogSuccesses > 0 && (eager || catalogWritten is not { } written || now - written >= CatalogInterval);
        var flush = new Flush(rows, events, catalogDue ? catalogSuccesses : 0, catalogDue ? LastUsed : null, failed, unreported);
        unflushed.Clear();
        unreported = null;
        if (catalogDue)
        {
            catalogSuccesses = 0;
        }
        return flush;
    }

    public void Flushed(Flush flush, DateTimeOffset now)
    {
        failures.ForgetWritten(now);
        if (flush.Successes > 0)
        {
            catalogWritten = now;
        }
    }

    /// <summary>Takes back what a failed write did not store; nothing of it was stored, since the write is one transaction.</summary>
    public void Restore(Flush flush)
    {
        foreach (var row in flush.Rows)
        {
            var c = unflushed.GetValueOrDefault(row.Minute);
            unflushed[row.Minute] = (c.Successes + row.Successes, c.Failures + row.Failures);
        }
        failures.GiveBack(flush.Failures);
        unreported ??= flush.Unreported;
        catalogSuccesses += flush.Successes;
    }

    /// <summary>The mean of the completed minutes remembered, or null while there are too few.</summary>
    double? Baseline => history.Count >= MinimumBaselineMinutes ? (double)historySum / history.Count : null;

    bool IsExcessive(long perMinute, ApiKeysConfig policy) =>
        (policy.ExcessiveUsagePerMinute > 0 && perMinute > policy.ExcessiveUsagePerMinute) ||
        (policy.ExcessiveUsageFactor > 0 && Baseline is { } baseline && perMinute > policy.ExcessiveUsageFactor * Math.Max(baseline, BaselineFloor));

    void Roll(long minute)
    {
        if (minute <= currentMinute)
        {
            return;
        }
        if (currentMinute != long.MinValue)
        {
            EndMinute(currentSuccesses);
            // Minutes without a single validation count as zero, up to the remembered window.
            for (var idle = Math.Min(minute - currentMinute - 1, BaselineMinutes); idle > 0; idle--)
            {
                EndMinute(0);
            }
        }
        currentMinute = minute;
        currentSuccesses = 0;
    }

    void EndMinute(long successes)
    {
        if (episode is not null && lastPolicy is not null)
        {
            quietMinutes = IsExcessive(successes, lastPolicy) ? 0 : quietMinutes + 1;
            if (quietMinutes >= QuietMinutesToEndEpisode)
            {
                episode = null;
                quietMinutes = 0;
            }
        }
        Remember(successes);
    }

    void Remember(long perMinute)
    {
        history.Add(perMinute);
        historySum += perMinute;
        if (history.Count > BaselineMinutes)
        {
            historySum -= history[0];
            history.RemoveAt(0);
        }
    }

    /// <summary>An excessive-usage episode: when it began, its busiest minute, and the baseline it was measured against.</summary>
    public sealed record Episode(long StartMinute, DateTimeOffset Start, long Peak, double? Baseline, bool ReportedBefore);

    /// <summary>What one flush writes, and what to take back if the write fails.</summary>
    /// <param name="Successes">What to add to the catalog row's count (0 when the catalog is not due), with <paramref name="LastUsed"/>.</param>
    public sealed record Flush(
        IReadOnlyList<UsageLog.Row> Rows,
        IReadOnlyList<AuditEvent> Events,
        long Successes,
        DateTimeOffset? LastUsed,
        IReadOnlyList<MinuteFailures> Failures,
        Episode? Unreported)
    {
        public bool IsEmpty => Rows.Count == 0 && Events.Count == 0 && Successes == 0;
    }
}
