using Microsoft.Extensions.Logging;

namespace ApiKeys.Grains.Changes;

/// <summary>How grains tell the listening hosts of a change (see <see cref="IKeyChangesGrain"/>).</summary>
public static partial class KeyChanges
{
    /// <summary>
    /// Tells every listening host, before the change is acknowledged. A change already stored is not undone when the
    /// telling fails: the listeners' leases, which they renew through the same grain, bound what they trust.
    /// </summary>
    public static async Task Announce(this IGrainFactory grains, ILogger logger, Func<IKeyChangesGrain, Task> change)
    {
        try
        {
            await change(grains.GetGrain<IKeyChangesGrain>(0));
        }
        catch (Exception e)
        {
            LogAnnounceFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not announce a stored change to the listening hosts; their leases bound how long they trust their caches")]
    static partial void LogAnnounceFailed(ILogger logger, Exception exception);
}
