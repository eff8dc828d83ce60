using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKeys.Grains.Tenants;

public sealed class TenantState : IOutboxState
{
    public string? Name { get; set; }
    public DateTimeOffset Created { get; set; }
    public ApiKeysConfig Config { get; set; } = ApiKeysConfig.Default;
    public HashSet<string> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The members who hold TenantAdmin, so the last of them is never demoted or removed; each is checked with its user
    /// grain before it is counted. Null in tenants stored before it was kept, and then derived from the members.
    /// </summary>
    public HashSet<string>? Admins { get; set; }

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

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Outbox.Count > 0)
        {
            await Outbox.Publish();
        }
        if (Exists && state.State.Admins is null)
        {
            var members = await Task.WhenAll(state.State.Members.Select(async id => (Id: id, Roles: await GrainFactory.User(Id, id).GetRoles())));
            state.State.Admins = members.Where(m => m.Roles.HasFlag(TenantRoles.TenantAdmin)).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        }
    }

    HashSet<string> Admins => state.State.Admins ??= new(StringComparer.Ordinal);

    public async Task<Tenant> Create(string name, string firstAdminUserId)
    {
        Ids.Check(Id, "/id");
        Ids.Check(firstAdminUserId, "/firstAdmin");
        TenantName.Check(name);
        if (Exists)
        {
            throw new ApiKeysException(ProblemCode.TenantExists, "The tenant exists already.", "/id");
        }
        // Changes in other grains come first and are idempotent, so a failed save can be retried, and an event never
        // records a change that did not happen.
        await GrainFactory.User(Id, firstAdminUserId).SetRoles(TenantRoles.TenantAdmin);
        state.State = new TenantState { Name = name, Created = time.Now(), Members = [firstAdminUserId], Admins = [firstAdminUserId] };
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
        var before = await GrainFactory.User(Id, userId).GetRoles();
        if (state.State.Members.Contains(userId) && before == roles)
        {
            return;
        }
        if (before.HasFlag(TenantRoles.TenantAdmin) && !roles.HasFlag(TenantRoles.TenantAdmin))
        {
            await KeepAnotherAdmin(userId, "demoted");
        }
        await ChangeRoles(userId, before, roles, caller.UserId);
    }

    public async Task<TenantRoles> AddAdmin(string userId)
    {
        if (!Exists)
        {
            throw NotFound();
        }
        Ids.Check(userId, "/userId");
        var before = await GrainFactory.User(Id, userId).GetRoles();
        var roles = before | TenantRoles.TenantAdmin;
        if (!state.State.Members.Contains(userId) || before != roles)
        {
            await ChangeRoles(userId, before, roles, null);
        }
        return roles;
    }

    /// <summary>Makes <paramref name="userId"/> a member holding <paramref name="roles"/>; <paramref name="by"/> is null for the operator.</summary>
    async Task ChangeRoles(string userId, TenantRoles before, TenantRoles roles, string? by)
    {
        await GrainFactory.User(Id, userId).SetRoles(roles);
        state.State.Members.Add(userId);
        if (roles.HasFlag(TenantRoles.TenantAdmin))
        {
            Admins.Add(userId);
        }
        else
        {
            Admins.Remove(userId);
        }
        await Save(AuditEvents.RolesUpdated(Id, by, userId, before, roles, time.Now()));
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
        if (before.HasFlag(TenantRoles.TenantAdmin))
        {
            await KeepAnotherAdmin(userId, "removed");
        }
        await user.Leave();
        state.State.Members.Remove(userId);
        Admins.Remove(userId);
        await Save(AuditEvents.UserRemoved(Id, caller.UserId, userId, before, time.Now()));
    }

    /// <summary>
    /// A tenant without a TenantAdmin can never be administered again, so its last one stays. This grain takes one call at
    /// a time, so two admins demoting each other at once leave one of them.
    /// </summary>
    async Task KeepAnotherAdmin(string userId, string change)
    {
        foreach (var admin in Admins.Where(a => a != userId))
        {
            if ((await GrainFactory.User(Id, admin).GetRoles()).HasFlag(TenantRoles.TenantAdmin))
            {
                return;
            }
        }
        throw new ApiKeysException(ProblemCode.LastTenantAdmin,
            $"The tenant's last TenantAdmin cannot be {change}: name another TenantAdmin first.", "/userId");
    }

    public async Task<IReadOnlyList<TenantUser>> GetUsers(Caller caller)
    {
        await RequireAdmin(caller);
        var users = state.State.Members.Order(StringComparer.Ordinal)
            .Select(async id => new TenantUser(id, await GrainFactory.User(Id, id).GetRoles()));
        return await Task.WhenAll(users);
    }

    /// <summary>Persists a change with its event, then appends the event.</summary>
    Task Save(AuditEvent change) => Outbox.Save(change);

    Outbox<TenantState> Outbox => outbox ??= new(this, state, tenant => audit.Append(tenant.Outbox), logger);

    Outbox<TenantState>? outbox;

    async Task RequireAdmin(Caller caller)
    {
        // Another tenant's caller learns nothing, not even that the tenant exists.
        if (!Exists || caller.TenantId != Id)
        {
            throw NotFound();
        }
        await GrainFactory.RequireTenantAdmin(caller, "Only a tenant admin may do this.");
    }

    static ApiKeysException NotFound() => new(ProblemCode.TenantNotFound, "No such tenant.");
}
