using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKeys.Grains.Keys;

public sealed class UserState
{
    public bool Member { get; set; }
    public TenantRoles Roles { get; set; }

    /// <summary>Every key the user owns and has not deleted.</summary>
    public Dictionary<string, OwnedKey> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What the user grain remembers of a key to count it against the limit without asking it.</summary>
/// <param name="Rotated">Replaced by a successor: it works out its grace period but no longer counts toward the limit.</param>
public sealed record OwnedKey(DateTimeOffset Expiry, bool Retired = false, bool Rotated = false)
{
    /// <summary>Not over yet (active or suspended, in its grace period or not): it follows its owner's roles and leaving.</summary>
    public bool IsActive(DateTimeOffset now) => !Retired && now < Expiry;

    public bool CountsTowardLimit(DateTimeOffset now) => IsActive(now) && !Rotated;
}

[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    (string TenantId, string Id, KeySubType Kind)? owner;

    /// <summary>Whose keys these are: the tenant, the member's or client's id, and which of the two.</summary>
    (string TenantId, string Id, KeySubType Kind) Owner => owner ??= UserKey.Parse(this.GetPrimaryKeyString());

    string TenantId => Owner.TenantId;

    string UserId => Owner.Id;

    public Task<TenantRoles> GetRoles() => Task.FromResult(state.State.Member ? state.State.Roles : TenantRoles.None);

    public Task<bool> IsMember() => Task.FromResult(state.State.Member);

    public async Task SetRoles(TenantRoles roles)
    {
        RequireMemberKind();
        state.State.Member = true;
        state.State.Roles = roles;
        await state.WriteStateAsync();
        var keys = ActiveKeys(time.Now()).ToList();
        await Task.WhenAll(keys.Select(id => Key(id).SetOwnerRoles(roles)));
        if (keys.Count > 0)
        {
            await GrainFactory.Announce(logger, changes => changes.KeysChanged(keys));
        }
    }

    public async Task Leave()
    {
        RequireMemberKind();
        state.State.Member = false;
        state.State.Roles = TenantRoles.None;
        await state.WriteStateAsync();
        await Task.WhenAll(ActiveKeys(time.Now()).Select(id => Key(id).RevokeForRemovedOwner()));
    }

    public async Task<IssuedApiKey> GenerateKey(Caller caller, KeyRequest request)
    {
        if (caller.TenantId != TenantId)
        {
            throw new ApiKeysException(ProblemCode.NotMember, "The owner is not in the caller's tenant.", "/sub");
        }
        if (request.SubType != Owner.Kind)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "The key's subType is not its owner's kind.", "/subType");
        }
        var config = await SettingsWithKeysEnabled();
        await CheckMayGenerate(caller, request.SubType);
        var description = KeyDescription.Check(request.Description);
        var scopes = KeyScopes.Check(request.Scopes, "/scopes");
        if (scopes is null && config.RequireScopes)
        {
            throw new ApiKeysException(ProblemCode.ScopesRequired, "This tenant requires every new key to name its scopes.", "/scopes");
        }
        var cidrs = AllowedCidrs.Check(request.AllowedCidrs, "/allowedCidrs") ?? config.DefaultAllowedCidrs;
        var now = time.Now();
        var lifetime = Lifetime(config, request.Expiry, now);
        await CheckBelowLimit(config.MaxKeysPerUser, now);
        return await Issue(caller, description, now + lifetime, now, new Restrictions(scopes, cidrs), rotatedFrom: null);
    }

    /// <summary>The tenant's settings; generating and rotating are refused while the tenant has keys turned off.</summary>
    async Task<ApiKeysConfig> SettingsWithKeysEnabled()
    {
        var config = await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetConfig();
        return config.ApiKeysEnabled ? config
            : throw new ApiKeysException(ProblemCode.ApiKeysDisabled, "API keys are not enabled in this tenant.");
    }

    /// <summary>A new key's lifetime: the one asked for, or the tenant maximum for this owner's kind, never longer.</summary>
    TimeSpan Lifetime(ApiKeysConfig config, string? expiry, DateTimeOffset now)
    {
        var maximum = Duration.Parse(Owner.Kind == KeySubType.User ? config.MaxApiKeyExpiry : config.ScimExternalClientExpiry, "/expiry");
        var lifetime = expiry is null ? maximum : Duration.Parse(expiry, "/expiry");
        if (lifetime.Value > maximum.Value)
        {
            throw new ApiKeysException(ProblemCode.ExpiryTooLong, $"The expiry may be at most {maximum.Text} in this tenant.", "/expiry");
        }
        if (lifetime.Value >= DateTimeOffset.MaxValue - now)
        {
            throw new ApiKeysException(ProblemCode.InvalidDuration, "The expiry is too far in the future.", "/expiry");
        }
        return lifetime.Value;
    }

    /// <summary>Makes the key, once every check has passed, and returns its token: the only time anyone sees it.</summary>
    async Task<IssuedApiKey> Issue(Caller caller, string description, DateTimeOffset expiry, DateTimeOffset now, Restrictions restrictions,
        string? rotatedFrom)
    {
        var keyId = ApiKeyToken.NewKeyId();
        var (token, secretHash) = ApiKeyToken.Issue(keyId);
        var key = new ApiKey(keyId, TenantId, description, KeyStatus.Active, UserId, Owner.Kind, expiry, caller.UserId, now, now,
            RotatedFrom: rotatedFrom, Scopes: restrictions.Scopes, AllowedCidrs: restrictions.AllowedCidrs);
        // Reserve the place first: should creating the key fail, the reservation is found empty and dropped later.
        state.State.Keys[keyId] = new OwnedKey(key.Expiry);
        await state.WriteStateAsync();
        try
        {
            key = await Key(keyId).Create(key, secretHash, state.State.Member ? state.State.Roles : TenantRoles.None);
        }
        catch
        {
            state.State.Keys.Remove(keyId);
            await state.WriteStateAsync();
            throw;
        }
        return new IssuedApiKey(key, token);
    }

    public async Task<IssuedApiKey> RotateKey(Caller caller, string keyId, RotationRequest request)
    {
        // A Developer cannot see another user's keys, so to them those keys do not exist.
        if (caller.TenantId != TenantId || !state.State.Keys.TryGetValue(keyId, out var owned)
            || (!IsOwner(caller) && !await GrainFactory.IsTenantAdmin(caller)))
        {
            throw new ApiKeysException(ProblemCode.KeyNotFound, "No such key.");
        }
        var config = await SettingsWithKeysEnabled();
        // The same right as generating: the owner with the Developer role, or a TenantAdmin (also for a client's key).
        await CheckMayGenerate(caller, Owner.Kind);
        if (request.GracePeriod is null)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "gracePeriod is required: how long the old key keeps working (PT0S for not at all).", "/gracePeriod");
        }
        var grace = Duration.ParseGrace(request.GracePeriod, "/gracePeriod");
        var maxGrace = Duration.ParseGrace(config.MaxRotationGrace, "/gracePeriod");
        if (grace.Value > maxGrace.Value)
        {
            throw new ApiKeysException(ProblemCode.InvalidDuration, $"The grace period may be at most {maxGrace.Text} in this tenant.", "/gracePeriod");
        }
        var now = time.Now();
        var lifetime = Lifetime(config, request.Expiry, now);
        var old = await Key(keyId).Get() ?? throw new ApiKeysException(ProblemCode.KeyNotFound, "No such key.");
        if (old.Status != KeyStatus.Active || now >= old.Expiry)
        {
            var status = old.Status == KeyStatus.Active ? KeyStatus.Expired : old.Status;
            throw new ApiKeysException(ProblemCode.KeyNotActive, $"Only active keys can be rotated; this key is {status.Name()}.");
        }
        if (old.RotatedTo is { } successor)
        {
            // Decided: a second rotation is refused rather than answered with the first one's key, whose token was shown
            // once already and must never be shown again.
            throw new ApiKeysException(ProblemCode.KeyAlreadyRotated, $"This key was rotated to {successor} already.");
        }
        var description = KeyDescription.Check(request.Description ?? old.Description);
        // A key in its grace period does not count toward the limit, so a user at the limit can rotate; but no more of
        // them at once than the limit, or rotating a successor in turn would give any number of working keys.
        var inGrace = state.State.Keys.Values.Count(k => k.Rotated && k.IsActive(now));
        if (inGrace > 0 && inGrace >= config.MaxKeysPerUser)
        {
            throw new ApiKeysException(ProblemCode.KeyLimitReached,
                $"{inGrace} rotated keys of this owner still work out their grace period, the most the limit of {config.MaxKeysPerUser} allows; " +
                "wait for one to end, or revoke it.");
        }

        // Rotations of a key come through here one at a time (this grain is its owner's), so the checks above hold until
        // the old key names its successor.
        // The successor keeps the old key's restrictions, also where the tenant now requires scopes: a leaked key can
        // always be replaced at once; narrowing it is a separate change.
        var issued = await Issue(caller, description, now + lifetime, now, new Restrictions(old.Scopes, old.AllowedCidrs), rotatedFrom: keyId);
        ApiKey rotated;
        try
        {
            rotated = await Key(keyId).Rotate(caller, issued.Key.Id, now + grace.Value);
        }
        catch (Exception)
        {
            // Revoked or suspended meanwhile, or the call failed: if the old key did not take the successor, the successor
            // is taken back before anyone saw its token. If it did (the answer alone was lost), the rotation stands.
            var after = await Key(keyId).Get();
            if (after?.RotatedTo != issued.Key.Id)
            {
                await Key(issued.Key.Id).Delete();
                state.State.Keys.Remove(issued.Key.Id);
                await state.WriteStateAsync();
                throw;
            }
            rotated = after;
        }
        state.State.Keys[keyId] = owned with { Expiry = rotated.Expiry, Rotated = true };
        await state.WriteStateAsync();
        return issued;
    }

    public async Task DeleteKey(Caller caller, string keyId)
    {
        if (!IsOwner(caller))
        {
            throw new ApiKeysException(ProblemCode.KeyNotFound, "No such key.");
        }
        if (!state.State.Keys.ContainsKey(keyId))
        {
            // Qlik's DELETE of another user's key, by a TenantAdmin, revokes it, so it stays listed as revoked. Reading
            // it first answers anyone else as if it did not exist.
            await Key(keyId).Read(caller);
            await RevokeKey(caller, keyId);
            return;
        }
        await Key(keyId).Delete();
        state.State.Keys.Remove(keyId);
        await state.WriteStateAsync();
    }

    public async Task<ApiKey> RevokeKey(Caller caller, string keyId)
    {
        RequireTenantAdmin(caller);
        return await Key(ApiKeyToken.RequireKeyId(keyId)).Revoke(caller);
    }

    public async Task<IReadOnlyList<RevokeOutcome>> RevokeKeys(Caller caller, IReadOnlyList<string> keyIds)
    {
        RequireTenantAdmin(caller);
        var outcomes = keyIds.Distinct(StringComparer.Ordinal).Select(async id =>
        {
            try
            {
                await Key(ApiKeyToken.RequireKeyId(id)).Revoke(caller);
                return new RevokeOutcome(id, null);
            }
            catch (ApiKeysException e)
            {
                return new RevokeOutcome(id, e.Code);
            }
        });
        return await Task.WhenAll(outcomes);
    }

    /// <summary>
    /// Revoking needs TenantAdmin, checked here, in the caller's own grain, before any key is looked at: a Developer
    /// cannot tell which ids exist by the answer, and a bulk revoke reads the roles once.
    /// </summary>
    void RequireTenantAdmin(Caller caller)
    {
        if (!IsOwner(caller) || !state.State.Member || !caller.Usable(state.State.Roles).HasFlag(TenantRoles.TenantAdmin))
        {
            throw new ApiKeysException(ProblemCode.TenantAdminRequired, "Only a tenant admin may revoke keys.");
        }
    }

    public async Task<int> DeleteAllKeys(Caller caller)
    {
        if (!IsOwner(caller))
        {
            throw new ApiKeysException(ProblemCode.KeyNotFound, "No such user.");
        }
        var ids = state.State.Keys.Keys.ToList();
        await Task.WhenAll(ids.Select(id => Key(id).Delete()));
        state.State.Keys.Clear();
        await state.WriteStateAsync();
        return ids.Count;
    }

    public async Task KeyRetired(string keyId)
    {
        if (state.State.Keys.TryGetValue(keyId, out var owned) && !owned.Retired)
        {
            state.State.Keys[keyId] = owned with { Retired = true };
            await state.WriteStateAsync();
        }
    }

    async Task CheckMayGenerate(Caller caller, KeySubType subType)
    {
        if (subType == KeySubType.User && IsOwner(caller))
        {
            if (!state.State.Member || !caller.Usable(state.State.Roles).HasFlag(TenantRoles.Developer))
            {
                throw new ApiKeysException(ProblemCode.DeveloperRoleRequired, "Generating API keys needs the Developer role.");
            }
            return;
        }
        if (!await GrainFactory.IsTenantAdmin(caller))
        {
            throw new ApiKeysException(ProblemCode.TenantAdminRequired,
                "Only a tenant admin may generate keys for another user or for an external client.", "/sub");
        }
        if (subType == KeySubType.ExternalClient && await GrainFactory.User(TenantId, UserId).IsMember())
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "An externalClient key's sub names a client, not a member of the tenant.", "/sub");
        }
        if (subType == KeySubType.User && !state.State.Member)
        {
            throw new ApiKeysException(ProblemCode.NotMember, "The owner is not a member of the tenant.", "/sub");
        }
    }

    /// <summary>
    /// The limit counts active keys. Revocations reach this grain as one-way notifications, so before refusing,
    /// ask the keys themselves: the refusal is then exact, and a lost notification costs a few reads, never a key.
    /// </summary>
    async Task CheckBelowLimit(int maxKeys, DateTimeOffset now)
    {
        if (CountedKeys(now).Count() < maxKeys)
        {
            return;
        }
        var actual = await Task.WhenAll(CountedKeys(now).Select(async id => (Id: id, Key: await Key(id).Get())));
        var changed = false;
        foreach (var (id, key) in actual)
        {
            if (key is null)
            {
                changed |= state.State.Keys.Remove(id);
            }
            else if (!key.Status.IsLive())
            {
                state.State.Keys[id] = state.State.Keys[id] with { Retired = true };
                changed = true;
            }
            else if (key.RotatedTo is not null)
            {
                // Rotated, though this grain did not hear so: it works out its grace outside the limit.
                state.State.Keys[id] = state.State.Keys[id] with { Expiry = key.Expiry, Rotated = true };
                changed = true;
            }
        }
        if (changed)
        {
            await state.WriteStateAsync();
        }
        if (CountedKeys(now).Count() >= maxKeys)
        {
            throw new ApiKeysException(ProblemCode.KeyLimitReached,
                $"The limit of {maxKeys} active API keys per user is reached; delete or let a key expire first.");
        }
    }

    IEnumerable<string> ActiveKeys(DateTimeOffset now) =>
        state.State.Keys.Where(k => k.Value.IsActive(now)).Select(k => k.Key);

    /// <summary>The keys under the limit: active and suspended ones, not those working out a rotation's grace.</summary>
    IEnumerable<string> CountedKeys(DateTimeOffset now) =>
        state.State.Keys.Where(k => k.Value.CountsTowardLimit(now)).Select(k => k.Key);

    /// <summary>Only a member owns keys as a caller; an external client never calls (see <see cref="ApiKey.IsOwnedBy"/>).</summary>
    bool IsOwner(Caller caller) => Owner.Kind == KeySubType.User && caller.TenantId == TenantId && caller.UserId == UserId;

    /// <summary>Roles and membership are a member's; an external client has neither.</summary>
    void RequireMemberKind()
    {
        if (Owner.Kind != KeySubType.User)
        {
            throw new InvalidOperationException("An external client is not a member: it has no roles.");
        }
    }

    IApiKeyGrain Key(string keyId) => GrainFactory.GetGrain<IApiKeyGrain>(keyId);

    /// <summary>A new key's scopes and allowed ranges, checked already; null for none.</summary>
    readonly record struct Restrictions(IReadOnlyList<string>? Scopes, IReadOnlyList<string>? AllowedCidrs);
}
