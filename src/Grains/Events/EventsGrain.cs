using Orleans.Concurrency;

namespace ApiKeys.Grains.Events;

/// <summary>
/// Audit log queries and the front ends' refusals, run in whichever silo receives them. Reentrant, since it holds no
/// state: a worker waiting on the database takes the next call.
/// </summary>
[GrainType("events"), StatelessWorker, Reentrant]
public sealed class EventsGrain(AuditLog audit) : Grain, IEventsGrain
{
    public async Task<EventPage> ListEvents(Caller caller, EventQuery query)
    {
        Paging.Check(query.Limit, query.StartingAfter, query.EndingBefore);
        await RequireAdmin(caller);
        return await audit.List(caller.TenantId, query);
    }

    public async Task<AuditEvent> GetEvent(Caller caller, string eventId)
    {
        await RequireAdmin(caller);
        return await audit.Get(caller.TenantId, eventId) ?? throw new ApiKeysException(ProblemCode.EventNotFound, "No such event.");
    }

    public Task RecordRefusals(string frontEnd, IReadOnlyList<MinuteFailures> minutes) =>
        audit.Append(minutes.Select(m => AuditEvents.ValidationFailed(frontEnd, null, null, m)).ToList());

    Task RequireAdmin(Caller caller) =>
        GrainFactory.RequireTenantAdmin(caller, "Only a tenant admin may read events and usage rankings.");
}
