namespace ApiKeys;

/// <summary>Failed validations in one minute: when the first came, and how many for each reason.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.MinuteFailures")]
public sealed record MinuteFailures(
    [property: Id(0)] long Minute,
    [property: Id(1)] DateTimeOffset First,
    [property: Id(2)] IReadOnlyDictionary<ValidationCode, long> Reasons)
{
    public long Count => Reasons.Values.Sum();
}

/// <summary>
/// Failed validations counted per minute until they are written as aggregated failure events: by a key for its own
/// refusals, and by a front end for tokens that name no key. A minute's event is rewritten while its counts grow, so a
/// flood of refusals updates one row instead of adding one per request. Not thread-safe.
/// </summary>
public sealed class FailureTally
{
    readonly Dictionary<long, (DateTimeOffset First, Dictionary<ValidationCode, long> Reasons)> minutes = [];
    readonly HashSet<long> changed = [];

    /// <summary>Whether a minute changed since it was last taken.</summary>
    public bool HasChanges => changed.Count > 0;

    public void Add(DateTimeOffset now, ValidationCode reason)
    {
        var minute = UsageMinute.Of(now);
        if (!minutes.TryGetValue(minute, out var tally))
        {
            minutes[minute] = tally = (now, []);
        }
        tally.Reasons[reason] = tally.Reasons.GetValueOrDefault(reason) + 1;
        changed.Add(minute);
    }

    /// <summary>The minutes that changed since the last take, with all their counts; <see cref="GiveBack"/> what was not written.</summary>
    public IReadOnlyList<MinuteFailures> TakeChanged()
    {
        var taken = changed.Select(m => new MinuteFailures(m, minutes[m].First, new Dictionary<ValidationCode, long>(minutes[m].Reasons))).ToList();
        changed.Clear();
        return taken;
    }

    public void GiveBack(IEnumerable<MinuteFailures> taken) => changed.UnionWith(taken.Select(t => t.Minute));

    /// <summary>A past minute's event is final once written; only the current one keeps growing.</summary>
    public void ForgetWritten(DateTimeOffset now)
    {
        var current = UsageMinute.Of(now);
        foreach (var minute in minutes.Keys.Where(m => m < current && !changed.Contains(m)).ToList())
        {
            minutes.Remove(minute);
        }
    }
}
