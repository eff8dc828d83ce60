namespace ApiKeys;

/// <summary>The names under which the product's own instruments are published.</summary>
public static class Telemetry
{
    /// <summary>The meter of every ApiKeys instrument, in the silos and the front ends alike.</summary>
    public const string Meter = "ApiKeys";
}
