using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ApiKeys.Api.Authentication;

/// <summary>
/// This front end's validation instruments: <c>apikeys.validations</c> and the <c>apikeys.validation.duration</c>
/// histogram, both by <c>result</c> (the validation code), and <c>apikeys.validation_cache.lookups</c> by
/// <c>outcome</c> (hit or miss). Tags are made once, so counting a validation allocates nothing.
/// </summary>
public sealed class ValidationMetrics
{
    readonly Counter<long> validations;
    readonly Histogram<double> duration;
    readonly Counter<long> lookups;
    // The codes as the validation endpoints write them: valid, malformed, notFound, expired, revoked, tenantDisabled.
    readonly Dictionary<ValidationCode, KeyValuePair<string, object?>> results = Enum.GetValues<ValidationCode>().ToDictionary(
        c => c, c => new KeyValuePair<string, object?>("result", c.Name()));
    static readonly KeyValuePair<string, object?> Hit = new("outcome", "hit");
    static readonly KeyValuePair<string, object?> Miss = new("outcome", "miss");

    public ValidationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.Meter);
        validations = meter.CreateCounter<long>("apikeys.validations", "{validation}", "Keys validated by this front end, by result");
        // Answers from the cache take microseconds and grain calls about a millisecond: the default buckets start at 5 ms.
        duration = meter.CreateHistogram("apikeys.validation.duration", "s", "Time to validate a key on this front end, by result",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
            });
        lookups = meter.CreateCounter<long>("apikeys.validation_cache.lookups", "{lookup}",
            "Validations of well-formed keys looked up in this front end's cache: hit (answered there) or miss (asked the key)");
    }

    public void Validated(ValidationCode code, long startedTimestamp)
    {
        var result = results[code];
        validations.Add(1, result);
        duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, result);
    }

    public void CacheLookup(bool hit) => lookups.Add(1, hit ? Hit : Miss);
}
