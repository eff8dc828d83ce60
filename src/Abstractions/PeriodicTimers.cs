namespace ApiKeys;

/// <summary>The loop condition of a host's background work on a <see cref="PeriodicTimer"/>.</summary>
public static class PeriodicTimers
{
    /// <summary>Waits for the next tick; false once the host is stopping, instead of throwing.</summary>
    public static async Task<bool> NextTick(this PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
