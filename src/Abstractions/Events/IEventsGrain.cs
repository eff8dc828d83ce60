namespace ApiKeys;

/// <summary>
/// The audit log: tenant admins read their tenant's events here, and front ends record the refusals only they see. A
/// stateless worker, run in whichever silo receives the call. Key: 0.
/// </summary>
[Alias("ApiKeys.IEventsGrain")]
public interface IEventsGrain : IGrainWithIntegerKey
{
    /// <summary>TenantAdmin only: the tenant's events, filtered, in time order, by id cursor.</summary>
    Task<EventPage> ListEvents(Caller caller, EventQuery query);

    /// <summary>TenantAdmin only: one event of the tenant.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.EventNotFound"/>.</exception>
    Task<AuditEvent> GetEvent(Caller caller, string eventId);

    /// <summary>
    /// Front ends: the validations they refused for tokens that name no key (malformed, failing the checksum, unknown),
    /// counted per minute. Each minute is one tenant-less failure event per front end (<paramref name="frontEnd"/>),
    /// replaced as its counts grow.
    /// </summary>
    Task RecordRefusals(string frontEnd, IReadOnlyList<MinuteFailures> minutes);
}
