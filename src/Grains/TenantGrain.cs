using ApiKeys.Grains.Monitoring;
using ApiKeys.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKeys.Grains;

public sealed class TenantState
{
    public string? Name { get; set; }
    public DateTimeOffset Created { get; set; }
    public ApiKeysConfig Config { get; set; } = ApiKeysConfig.Default;
    public HashSet<string> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Events of changes saved but not yet in the audit log (an outbox); appended, by id, exactly once.</summary>
    public List<AuditEvent> Outbox { get; set; } = [];
}

[GrainType("tenant")]
public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    TenantPolicyCache policies,
    AuditLog audit,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    string Id => this.GetPrimaryKeyString();

    bool Exists => state.State.Name is not null;

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.State.Outbox.Count > 0 ? Publish() : Task.CompletedTask;

    public async Task<Tenant> Create(string name, string firstAdminUserId)
    {
        Ids.Check(Id, "/id");
        Ids.Check(firstAdminUserId, "/firstAdmin");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 256 || name.Any(char.IsControl))
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "A tenant name is 1 to 256 printable characters.", "/name");
        }
        if (Exists)
        {
            throw new ApiKeysException(ProblemCode.TenantExists, "The tenant exists already.", "/id");
        }
        // Changes in other grains come first and are idempotent, so a failed save can be retried, and an event never
        // records a change that did not happen.
        await GrainFactory.User(Id, firstAdminUserId).SetRoles(TenantRoles.TenantAdmin);
        state.State = new TenantState { Name = name, Created = time.Now(), Members = [firstAdminUserId] };
        var tenant = new Tenant(Id, name, state.State.Created);
        await Save(AuditEvents.TenantCreated(tenant, firstAdminUserId));
        return tenant;
    }

    public Task<Tenant?> Get() => Task.FromResult(Exists ? new Tenant(Id, state.State.Name!, state.State.Created) : null);

    public Task<ApiKeysConfig> GetConfig() =>
        Exists ? Task.FromResult(state.State.Config) : throw NotFound();

    public async Task<ApiKeysConfig> UpdateConfig(Caller caller, ApiKeysConfigChange change)
    {
        await RequireAdmin(caller);
        var before = state.State.Config;
        var after = before.With(change);
        if (after == before)
        {
            return before;
        }
        state.State.Config = after;
        await Save(AuditEvents.ConfigUpdated(Id, caller.UserId, before, after, time.Now()));
        policies.Forget(Id);
        await GrainFactory.Announce(logger, changes => changes.TenantChanged(Id));
        return after;
    }

    public async Task SetRoles(Caller caller, string userId, TenantRoles roles)
    {
        await RequireAdmin(caller);
        Ids.Check(userId, "/userId");
        var user = GrainFactory.User(Id, userId);
        var before = await user.GetRoles();
        if (state.State.Members.Contains(userId) && before == roles)
        {
            return;
        }
        await user.SetRoles(roles);
        state.State.Members.Add(userId);
        await Save(AuditEvents.RolesUpdated(Id, caller.UserId, userId, before, roles, time.Now()));
    }

    public async Task RemoveUser(Caller caller, string userId)
    {
        await RequireAdmin(caller);
        if (!state.State.Members.Contains(userId))
        {
            throw new ApiKeysException(ProblemCode.NotMember, "No such user in the tenant.", "/userId");
        }
        var user = GrainFactory.User(Id, userId);
        var before = await user.GetRoles();
        await user.Leave();
        state.State.Members.Remove(userId);
        await Save(AuditEvents.UserRemoved(Id, caller.UserId, userId, before, time.Now()));
    }

    public async Task<IReadOnlyList<TenantUser>> GetUsers(Caller caller)
    {
        await RequireAdmin(caller);
        var users = state.State.Members.Order(StringComparer.Ordinal)
            .Select(async id => new TenantUser(id, await GrainFactory.User(Id, id).GetRoles()));
        return await Task.WhenAll(users);
    }

    /// <summary>Persists a change with its event, then appends the event.</summary>
    async Task Save(AuditEvent change)
    {
        state.State.Outbox.Add(change);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory now holds a change that was not stored: drop this activation so the next call reads the truth.
            DeactivateOnIdle();
            throw;
        }
        await Publish();
    }

    /// <summary>Appends the saved events; should that fail, they stay in the outbox and are retried on a timer and on activation.</summary>
    async Task Publish()
    {
        try
        {
            await audit.Append(state.State.Outbox);
            state.State.Outbox.Clear();
            await state.WriteStateAsync();
            publishRetry?.Dispose();
            publishRetry = null;
        }
        catch (Exception)
        {
            publishRetry ??= this.RegisterGrainTimer(Publish, PublishRetryPeriod, PublishRetryPeriod);
        }
    }

    static readonly TimeSpan PublishRetryPeriod = TimeSpan.FromSeconds(30);

    IGrainTimer? publishRetry;

    async Task RequireAdmin(Caller caller)
    {
        // Another tenant's caller learns nothing, not even that the tenant exists.
        if (!Exists || caller.TenantId != Id)
        {
            throw NotFound();
        }
        if (!await GrainFactory.IsTenantAdmin(caller))
        {
            throw new ApiKeysException(ProblemCode.TenantAdminRequired, "Only a tenant admin may do this.");
        }
    }

    static ApiKeysException NotFound() => new(ProblemCode.TenantNotFound, "No such tenant.");
}

/// <summary>Names of the storage providers grains persist to.</summary>
public static class StorageNames
{
    public const string Default = "apikeys";
}
