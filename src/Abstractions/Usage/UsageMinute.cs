namespace ApiKeys;

/// <summary>
/// Usage is counted in whole minutes since the Unix epoch: the usage rows, the cached validations front ends hand over
/// and the aggregated failure events all name their minute so.
/// </summary>
public static class UsageMinute
{
    public static long Of(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    public static DateTimeOffset Start(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);
}
