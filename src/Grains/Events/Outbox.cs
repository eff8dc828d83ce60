using Microsoft.Extensions.Logging;

namespace ApiKeys.Grains.Events;

/// <summary>Grain state that records its changes' events with the change itself, to be published afterwards.</summary>
public interface IOutboxState
{
    /// <summary>Events of changes saved but not yet in the audit log; appended, by id, exactly once.</summary>
    List<AuditEvent> Outbox { get; }
}

/// <summary>
/// The outbox every grain that records events uses: a change is stored with its event in one state write, then
/// published to the database's tables (the audit log, and the key catalog for keys). Should publishing fail, the grain
/// state is the truth meanwhile: the outbox is retried on a timer and on the grain's next activation, and publishing a
/// change twice is harmless.
/// </summary>
/// <param name="publish">Writes the outbox (and whatever else mirrors the state) to the tables; idempotent.</param>
public sealed partial class Outbox<TState>(
    IGrainBase grain,
    IPersistentState<TState> state,
    Func<TState, Task> publish,
    ILogger logger) where TState : IOutboxState
{
    static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(30);

    IGrainTimer? retry;

    /// <summary>Stores the state with <paramref name="change"/> in its outbox, then publishes.</summary>
    public async Task Save(AuditEvent change)
    {
        state.State.Outbox.Add(change);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory now holds a change that was not stored: drop this activation so the next call reads the truth.
            grain.DeactivateOnIdle();
            throw;
        }
        await Publish();
    }

    /// <summary>Publishes what was saved and empties the outbox; on failure, logs and retries later.</summary>
    public async Task Publish()
    {
        try
        {
            await publish(state.State);
            state.State.Outbox.Clear();
            await state.WriteStateAsync();
            retry?.Dispose();
            retry = null;
        }
        catch (Exception e)
        {
            LogPublishFailed(e, grain.GrainContext.GrainId);
            retry ??= grain.RegisterGrainTimer(Publish, RetryPeriod, RetryPeriod);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the saved changes of {Grain} to the audit log and catalog; retried every 30 s and on its next activation")]
    partial void LogPublishFailed(Exception exception, GrainId grain);
}
