using ApiKeys.Grains.Storage;

namespace ApiKeys.Grains.Monitoring;

/// <summary>
/// One key's validations, counted in memory between flushes: per-minute successes and failures, the failure reasons
/// behind the aggregated failure event, the last use, and the excessive-usage signal against the tenant's threshold
/// and the key's own baseline. Nothing here does I/O; <see cref="Drain"/> hands over what the flush writes.
/// </summary>
public sealed class UsageMeter(string keyId, string tenantId)
{
    /// <summary>Completed minutes remembered for the baseline.</summary>
    public const int BaselineMinutes = 60;

    /// <summary>The factor needs this many completed minutes of history; until then only the absolute threshold applies.</summary>
    public const int MinimumBaselineMinutes = 5;

    /// <summary>A baseline below this counts as this, so a rarely used key is not reported for a handful of calls.</summary>
    public const double BaselineFloor = 60;

    readonly Dictionary<long, (long Successes, long Failures)> unflushed = [];
    readonly Dictionary<long, FailureCounts> failureReasons = [];
    readonly HashSet<long> failureMinutesChanged = [];
    readonly Queue<long> history = new();
    readonly List<AuditEvent> signals = [];
    long currentMinute = long.MinValue;
    long currentSuccesses;
    bool excessive;
    ApiKeysConfig? lastPolicy;

    public DateTimeOffset? LastUsed { get; private set; }

    public long UnflushedSuccesses { get; private set; }

    public bool HasUnflushed => unflushed.Count > 0 || failureMinutesChanged.Count > 0 || signals.Count > 0;

    public void Success(DateTimeOffset now, ApiKeysConfig policy)
    {
        var minute = UsageLog.MinuteOf(now);
        Roll(minute);
        lastPolicy = policy;
        currentSuccesses++;
        UnflushedSuccesses++;
        LastUsed = now;
        unflushed[minute] = unflushed.TryGetValue(minute, out var c) ? (c.Successes + 1, c.Failures) : (1, 0);
        if (!excessive && IsExcessive(currentSuccesses, policy))
        {
            // One event per episode: the flag holds until a whole minute passes under both thresholds.
            excessive = true;
            signals.Add(AuditEvents.ExcessiveUsage(tenantId, keyId, minute, currentSuccesses, Baseline, policy, now));
        }
    }

    public void Failure(DateTimeOffset now, ValidationCode reason)
    {
        var minute = UsageLog.MinuteOf(now);
        Roll(minute);
        unflushed[minute] = unflushed.TryGetValue(minute, out var c) ? (c.Successes, c.Failures + 1) : (0, 1);
        if (!failureReasons.TryGetValue(minute, out var failures))
        {
            failureReasons[minute] = failures = new FailureCounts(now);
        }
        failures.Add(reason);
        failureMinutesChanged.Add(minute);
    }

    /// <summary>
    /// The rows and events to write, forgotten here; after the write, <see cref="Flushed"/>, or <see cref="Restore"/> if it failed.
    /// </summary>
    public (IReadOnlyList<UsageLog.Row> Rows, IReadOnlyList<AuditEvent> Events, long Successes) Drain()
    {
        var rows = unflushed.Select(u => new UsageLog.Row(keyId, tenantId, u.Key, u.Value.Successes, u.Value.Failures)).ToList();
        var events = signals.Concat(failureMinutesChanged.Select(m => AuditEvents.ValidationFailed(keyId, tenantId, keyId, m, failureReasons[m].Copy()))).ToList();
        var successes = UnflushedSuccesses;
        unflushed.Clear();
        signals.Clear();
        failureMinutesChanged.Clear();
        UnflushedSuccesses = 0;
        return (rows, events, successes);
    }

    /// <summary>A past minute's failure event is final once written; only the current minute's keeps growing.</summary>
    public void Flushed(DateTimeOffset now)
    {
        var current = UsageLog.MinuteOf(now);
        foreach (var minute in failureReasons.Keys.Where(m => m < current && !failureMinutesChanged.Contains(m)).ToList())
        {
            failureReasons.Remove(minute);
        }
    }

    public void Restore(IReadOnlyList<UsageLog.Row> rows, IReadOnlyList<AuditEvent> events, long successes)
    {
        foreach (var row in rows)
        {
            var c = unflushed.GetValueOrDefault(row.Minute);
            unflushed[row.Minute] = (c.Successes + row.Successes, c.Failures + row.Failures);
        }
        signals.AddRange(events.Where(e => e.Type == EventTypes.ExcessiveUsage));
        foreach (var e in events.Where(e => e.Type == EventTypes.ValidationFailed))
        {
            var minute = UsageLog.MinuteOf(e.Time);
            if (failureReasons.ContainsKey(minute))
            {
                failureMinutesChanged.Add(minute);
            }
        }
        UnflushedSuccesses += successes;
    }

    /// <summary>The mean of the completed minutes remembered, or null while there are too few.</summary>
    double? Baseline => history.Count >= MinimumBaselineMinutes ? history.Average() : null;

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
            if (excessive && lastPolicy is not null && !IsExcessive(currentSuccesses, lastPolicy))
            {
                excessive = false;
            }
            Remember(currentSuccesses);
            // Minutes without a single validation count as zero, up to the remembered window.
            for (var idle = Math.Min(minute - currentMinute - 1, BaselineMinutes); idle > 0; idle--)
            {
                excessive = false;
                Remember(0);
            }
        }
        currentMinute = minute;
        currentSuccesses = 0;
    }

    void Remember(long perMinute)
    {
        history.Enqueue(perMinute);
        if (history.Count > BaselineMinutes)
        {
            history.Dequeue();
        }
    }
}
