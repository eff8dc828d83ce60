using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKeys.Grains.Keys;

public sealed class ApiKeyState : IOutboxState
{
    public string TenantId { get; set; } = "";
    public string Description { get; set; } = "";
    public KeyStatus Status { get; set; }
    public string Sub { get; set; } = "";
    public KeySubType SubType { get; set; }
    public string CreatedByUser { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }
    public DateTimeOffset Expiry { get; set; }
    public byte[] SecretHash { get; set; } = [];

    /// <summary>The key this one replaced, and the one that replaced it (see <see cref="IApiKeyGrain.Rotate"/>).</summary>
    public string? RotatedFrom { get; set; }
    public string? RotatedTo { get; set; }

    /// <summary>The key's restrictions; null for none (see <see cref="KeyAccess"/>).</summary>
    public List<string>? Scopes { get; set; }
    public List<string>? AllowedCidrs { get; set; }

    /// <summary>A deleted key keeps a tombstone so a failed catalog delete can still be repaired.</summary>
    public bool Deleted { get; set; }

    /// <summary>Counts changes; the catalog never takes an older version over a newer one.</summary>
    public int Version { get; set; }

    /// <summary>Set with every change and cleared once the catalog has it; a key activating with it set re-applies it.</summary>
    public bool CatalogPending { get; set; }

    public List<AuditEvent> Outbox { get; set; } = [];
}

[GrainType("apikey")]
public sealed partial class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Default)] IPersistentState<ApiKeyState> state,
    KeyCatalog catalog,
    UsageLog usage,
    TenantPolicyCache tenants,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<ApiKeysOptions> options,
    KeyOperations operations,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain, IRemindable
{
    const string ExpiryReminder = "expiry";

    TenantRoles ownerRoles;
    Validation? identity;
    KeyAccess? access;
    bool accessBuilt;
    bool expiryArmed;
    DateTimeOffset leakRecorded = DateTimeOffset.MinValue;

    /// <summary>Reports of one key this close together make one event (per activation).</summary>
    static readonly TimeSpan LeakReportsApart = TimeSpan.FromMinutes(10);
    UsageMeter? meter;
    IGrainTimer? usageTimer;
    Outbox<ApiKeyState>? outbox;

    /// <summary>Names this activation in the ids of its aggregated events.</summary>
    readonly string activation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    ApiKeyState Key => state.State;

    bool Exists => state.RecordExists && !Key.Deleted;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            return;
        }
        if (Key.CatalogPending || Key.Outbox.Count > 0)
        {
            await Outbox.Publish();
        }
        if (Exists && Key.Status.IsLive())
        {
            ownerRoles = Key.SubType == KeySubType.User ? await GrainFactory.User(Key.TenantId, Key.Sub).GetRoles() : TenantRoles.None;
            await ArmExpiry();
            // The baseline and an ongoing excessive-usage episode outlive an activation.
            var now = time.GetUtcNow();
            var minute = UsageMinute.Of(now);
            Meter().Resume(await usage.Minutes(this.GetPrimaryKeyString(), minute - UsageMeter.BaselineMinutes, minute + 1), now);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await FlushUsage();

    public async Task<ApiKey> Create(ApiKey key, byte[] secretHash, TenantRoles roles)
    {
        if (state.RecordExists)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "The key exists already.");
        }
        state.State = new ApiKeyState
        {
            TenantId = key.TenantId,
            Description = key.Description,
            Status = KeyStatus.Active,
            Sub = key.Sub,
            SubType = key.SubType,
            CreatedByUser = key.CreatedByUser,
            Created = key.Created,
            LastUpdated = key.LastUpdated,
            Expiry = key.Expiry,
            SecretHash = secretHash,
            RotatedFrom = key.RotatedFrom,
            Scopes = key.Scopes?.ToList(),
            AllowedCidrs = key.AllowedCidrs?.ToList(),
        };
        // An external client is not a tenant member: it carries no roles, whatever its id.
        ownerRoles = key.SubType == KeySubType.User ? roles : TenantRoles.None;
        await Save(KeyOperations.Created, AuditEvents.KeyCreated(ToApiKey(), key.Created));
        await ArmExpiry();
        return ToApiKey();
    }

    public Task<ApiKey?> Get() => Task.FromResult(Exists ? ToApiKey() : null);

    public ValueTask<Validation> Validate(byte[] secretHash, AccessRequest request)
    {
        if (!Exists)
        {
            return ValueTask.FromResult(Validation.Refused(ValidationCode.NotFound));
        }
        var now = time.GetUtcNow();
        // The secret is checked first, so a caller without it learns nothing about the key (front ends show a wrong
        // secret as an unknown key); the key's tenant sees the attempt in its events.
        if (!CryptographicOperations.FixedTimeEquals(secretHash, Key.SecretHash))
        {
            return ValueTask.FromResult(Refuse(ValidationCode.NotFound, now));
        }
        if (Key.Status == KeyStatus.Revoked)
        {
            return ValueTask.FromResult(Refuse(ValidationCode.Revoked, now));
        }
        if (Key.Status == KeyStatus.Expired || now >= Key.Expiry)
        {
            return ValueTask.FromResult(Refuse(ValidationCode.Expired, now));
        }
        if (Key.Status == KeyStatus.Suspended)
        {
            return ValueTask.FromResult(Refuse(ValidationCode.Suspended, now));
        }
        var policy = tenants.Policy(Key.TenantId);
        if (policy.IsCompletedSuccessfully)
        {
            return ValueTask.FromResult(Accept(policy.Result, now, request));
        }
        return AcceptLater(policy, now, request);
    }

    async ValueTask<Validation> AcceptLater(ValueTask<ApiKeysConfig?> policy, DateTimeOffset now, AccessRequest request) =>
        Accept(await policy, now, request);

    Validation Accept(ApiKeysConfig? policy, DateTimeOffset now, AccessRequest request)
    {
        if (policy is not { ApiKeysEnabled: true })
        {
            return Refuse(ValidationCode.TenantDisabled, now);
        }
        if (Access is { } restricted && restricted.Check(request) is not ValidationCode.Valid and var refused)
        {
            Meter().Failure(now, refused);
            return new Validation(refused, this.GetPrimaryKeyString(), Key.TenantId,
                MissingScopes: refused == ValidationCode.InsufficientScope ? restricted.Missing(request) : null);
        }
        Meter().Success(now, policy);
        return identity ??= new Validation(ValidationCode.Valid, this.GetPrimaryKeyString(), Key.TenantId, Key.Sub,
            Key.SubType, ownerRoles, Key.Expiry, Key.Scopes, Key.AllowedCidrs);
    }

    /// <summary>The key's restrictions, made ready to check once per change.</summary>
    KeyAccess? Access
    {
        get
        {
            if (!accessBuilt)
            {
                access = KeyAccess.For(Key.Scopes, Key.AllowedCidrs);
                accessBuilt = true;
            }
            return access;
        }
    }

    /// <summary>A refusal names the key and tenant so front ends know this key counted it; they never show them for a wrong secret.</summary>
    Validation Refuse(ValidationCode code, DateTimeOffset now)
    {
        Meter().Failure(now, code);
        return new Validation(code, this.GetPrimaryKeyString(), Key.TenantId);
    }

    UsageMeter Meter()
    {
        // The flush interleaves with validations: it only drains memory and then waits on the database, and a
        // validation during that wait counts into the next flush.
        usageTimer ??= this.RegisterGrainTimer(() => FlushUsage(onTimer: true), new GrainTimerCreationOptions(options.Value.UsageFlushInterval, options.Value.UsageFlushInterval)
        {
            Interleave = true,
        });
        return meter ??= new UsageMeter(this.GetPrimaryKeyString(), Key.TenantId, activation);
    }

    public async Task<ApiKey> Read(Caller caller)
    {
        await CheckOwnerOrAdmin(caller);
        // Uses since the last flush are only in memory; older ones only in the catalog.
        var stored = (await catalog.GetUsage(this.GetPrimaryKeyString())).LastUsed;
        var recent = meter?.LastUsed;
        return ToApiKey() with { LastUsed = recent is null || stored > recent ? stored : recent };
    }

    public async Task<ApiKey> Update(Caller caller, KeyChange change)
    {
        await CheckOwnerOrAdmin(caller);
        var before = ToApiKey();
        var description = change.Description is null ? Key.Description : KeyDescription.Check(change.Description);
        var scopes = change.SetsScopes ? KeyScopes.Check(change.Scopes, "/scopes") : Key.Scopes;
        var cidrs = change.SetsAllowedCidrs ? AllowedCidrs.Check(change.AllowedCidrs, "/allowedCidrs") : Key.AllowedCidrs;
        var restricts = change.SetsScopes || change.SetsAllowedCidrs;
        if (restricts && !Key.Status.IsLive())
        {
            throw new ApiKeysException(ProblemCode.KeyNotActive, $"The restrictions of a key that is {Key.Status.Name()} no longer change.");
        }
        // Narrowing is the owner's own call; anything that lets the key do more is a TenantAdmin's.
        if (restricts && !KeyAccess.Narrows((Key.Scopes, Key.AllowedCidrs), (scopes, cidrs)) && !await GrainFactory.IsTenantAdmin(caller))
        {
            throw new ApiKeysException(ProblemCode.TenantAdminRequired,
                "The owner may only narrow a key's scopes and address ranges; widening or lifting them needs a tenant admin.",
                change.SetsScopes ? "/scopes" : "/allowedCidrs");
        }
        Key.Description = description;
        Key.Scopes = scopes?.ToList();
        Key.AllowedCidrs = cidrs?.ToList();
        Key.LastUpdated = time.Now();
        await Save(restricts ? KeyOperations.Restricted : KeyOperations.Renamed, AuditEvents.KeyUpdated(before, ToApiKey(), caller.UserId, Key.LastUpdated));
        if (restricts)
        {
            // Cached answers carry the old restrictions; every front end drops them before this returns.
            await AnnounceChange();
        }
        return ToApiKey();
    }

    public async Task<ApiKey> Revoke(Caller caller)
    {
        await CheckVisibleTo(caller);
        if (!Key.Status.IsLive())
        {
            throw new ApiKeysException(ProblemCode.KeyNotActive, $"Only active and suspended keys can be revoked; this key is {Key.Status.Name()}.");
        }
        await Retire(KeyStatus.Revoked, caller.UserId);
        return ToApiKey();
    }

    public async Task<ApiKey> Rotate(Caller caller, string successorId, DateTimeOffset stopsAt)
    {
        await CheckVisibleTo(caller);
        if (Key.Status != KeyStatus.Active)
        {
            throw new ApiKeysException(ProblemCode.KeyNotActive, $"Only active keys can be rotated; this key is {Key.Status.Name()}.");
        }
        if (Key.RotatedTo is { } successor)
        {
            throw new ApiKeysException(ProblemCode.KeyAlreadyRotated, $"This key was rotated to {successor} already.");
        }
        Key.RotatedTo = successorId;
        Key.LastUpdated = time.Now();
        // Never past its own expiry: a grace period only ever shortens a key's life.
        Key.Expiry = stopsAt < Key.Expiry ? stopsAt : Key.Expiry;
        await Save(KeyOperations.Rotated, AuditEvents.KeyRotated(ToApiKey(), caller.UserId, Key.LastUpdated));
        // Cached answers carry the old expiry; front ends drop them before this returns, so none accepts the key past its
        // new end, and a grace of zero is refused at once.
        await AnnounceChange();
        expiryArmed = false;
        await ArmExpiry();
        return ToApiKey();
    }

    public async Task<bool> ReportLeak(byte[] secretHash, LeakReport report)
    {
        if (!Exists || !CryptographicOperations.FixedTimeEquals(secretHash, Key.SecretHash))
        {
            return false;
        }
        await ExpireIfDue();
        if (!Key.Status.IsLive())
        {
            // Over already: nothing to do, and nothing new to record. The reporter still hears that the key is ours.
            return true;
        }
        // The tenant's setting as it is now, not the validation path's copy of up to a second ago.
        var config = await GrainFactory.GetGrain<ITenantGrain>(Key.TenantId).GetConfig();
        var revoke = config.LeakedKeyAction == ApiKeysConfig.RevokeLeakedKeys;
        var now = time.Now();
        // A key found once is often reported again and again (each scan, each reporter): while it is only recorded,
        // one event in a while.
        if (!revoke && now - leakRecorded < LeakReportsApart)
        {
            return true;
        }
        leakRecorded = now;
        await Save(KeyOperations.Leaked, AuditEvents.KeyLeaked(ToApiKey(), report, revoke ? "revoked" : "notified", now));
        if (revoke)
        {
            await Retire(KeyStatus.Revoked, null, "leaked");
        }
        return true;
    }

    public Task<ApiKey> Suspend(Caller caller, string? reason) => SetSuspended(caller, reason, suspended: true);

    public Task<ApiKey> Resume(Caller caller, string? reason) => SetSuspended(caller, reason, suspended: false);

    /// <summary>
    /// Suspends an active key, or resumes a suspended one. Front ends hear either change before it returns: none holds
    /// an answer for a suspended key, but every change of status takes the one path.
    /// </summary>
    async Task<ApiKey> SetSuspended(Caller caller, string? reason, bool suspended)
    {
        await CheckAdmin(caller);
        var (from, to) = suspended ? (KeyStatus.Active, KeyStatus.Suspended) : (KeyStatus.Suspended, KeyStatus.Active);
        if (Key.Status != from)
        {
            throw suspended
                ? new ApiKeysException(ProblemCode.KeyNotActive, $"Only active keys can be suspended; this key is {Key.Status.Name()}.")
                : new ApiKeysException(ProblemCode.KeyNotSuspended, $"Only suspended keys can be resumed; this key is {Key.Status.Name()}.");
        }
        reason = ActionReason.Check(reason);
        Key.Status = to;
        Key.LastUpdated = time.Now();
        await Save(suspended ? KeyOperations.Suspended : KeyOperations.Resumed,
            AuditEvents.KeySuspension(ToApiKey(), suspended, caller.UserId, reason, Key.LastUpdated));
        await AnnounceChange();
        return ToApiKey();
    }

    public async Task RevokeForRemovedOwner()
    {
        await ExpireIfDue();
        if (Exists && Key.Status.IsLive())
        {
            await Retire(KeyStatus.Revoked, null, "ownerRemoved");
        }
    }

    public async Task Delete()
    {
        if (!Exists)
        {
            return;
        }
        Key.Deleted = true;
        Key.SecretHash = [];
        Key.LastUpdated = time.Now();
        await Save(KeyOperations.Deleted, AuditEvents.KeyDeleted(ToApiKey(), "deleted", Key.Sub, null, Key.LastUpdated));
        await AnnounceChange();
        await Disarm();
        await FlushUsage();
        DeactivateOnIdle();
    }

    public Task SetOwnerRoles(TenantRoles roles)
    {
        ownerRoles = Key.SubType == KeySubType.User ? roles : TenantRoles.None;
        identity = null;
        return Task.CompletedTask;
    }

    public async Task ArmExpiry()
    {
        // A suspended key still expires at its expiry.
        if (!Exists || !Key.Status.IsLive())
        {
            await Disarm();
            return;
        }
        var untilExpiry = Key.Expiry - time.GetUtcNow();
        if (untilExpiry <= TimeSpan.Zero)
        {
            await Retire(KeyStatus.Expired);
        }
        else if (untilExpiry <= options.Value.ExpiryHorizon && !expiryArmed)
        {
            // Reminder ticks may repeat or come late; the handler only acts once the expiry instant has passed.
            await this.RegisterOrUpdateReminder(ExpiryReminder, untilExpiry, TimeSpan.FromMinutes(1));
            expiryArmed = true;
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ExpiryReminder)
        {
            expiryArmed = true;
            await ArmExpiry();
        }
    }

    public async Task RecordUses(IReadOnlyList<MinuteUses> uses)
    {
        if (!Exists)
        {
            return;
        }
        var policy = await tenants.Policy(Key.TenantId) ?? ApiKeysConfig.Default;
        foreach (var use in uses)
        {
            Meter().Successes(use.Minute, use.Count, use.LastUsed, policy);
        }
    }

    public Task FlushUsage() => FlushUsage(onTimer: false);

    async Task FlushUsage(bool onTimer)
    {
        if (meter is not { HasUnflushed: true })
        {
            usageTimer?.Dispose();
            usageTimer = null;
            return;
        }
        var flush = meter.Drain(time.GetUtcNow(), eager: !onTimer);
        if (flush.IsEmpty)
        {
            // Only the catalog's count is waiting, and it is not due yet: the timer stays for it.
            return;
        }
        try
        {
            await usage.Flush(new UsageLog.KeyFlush(this.GetPrimaryKeyString(), flush.Rows, flush.Successes, flush.LastUsed, flush.Events), linger: onTimer);
            meter.Flushed(flush, time.GetUtcNow());
        }
        catch (Exception e)
        {
            meter.Restore(flush);
            LogUsageFlushFailed(e, this.GetPrimaryKeyString());
        }
    }

    async Task ExpireIfDue()
    {
        if (Exists && Key.Status.IsLive() && time.GetUtcNow() >= Key.Expiry)
        {
            await Retire(KeyStatus.Expired);
        }
    }

    /// <summary>Ends an active or suspended key: revoked by <paramref name="userId"/> (or with <paramref name="reason"/>), or expired.</summary>
    async Task Retire(KeyStatus status, string? userId = null, string? reason = null)
    {
        Key.Status = status;
        Key.LastUpdated = time.Now();
        if (status == KeyStatus.Expired)
        {
            await Save(KeyOperations.Expired, AuditEvents.KeyExpired(ToApiKey(), Key.LastUpdated));
        }
        else
        {
            await Save(KeyOperations.Revoked, AuditEvents.KeyDeleted(ToApiKey(), "revoked", userId, reason, Key.LastUpdated));
        }
        await AnnounceChange();
        await Disarm();
        GrainFactory.Owner(Key.TenantId, Key.SubType, Key.Sub).KeyRetired(this.GetPrimaryKeyString()).Ignore();
    }

    /// <summary>Front ends drop their cached answer for this key before the change is acknowledged.</summary>
    Task AnnounceChange() => GrainFactory.Announce(logger, changes => changes.KeysChanged([this.GetPrimaryKeyString()]));

    async Task Disarm()
    {
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        expiryArmed = false;
    }

    /// <summary>Persists a change with its event, then mirrors it into the catalog and the audit log.</summary>
    async Task Save(string operation, AuditEvent change)
    {
        identity = null;
        accessBuilt = false;
        Key.Version++;
        Key.CatalogPending = true;
        await Outbox.Save(change);
        operations.Stored(operation);
    }

    /// <summary>
    /// The catalog is brought up to the saved state with the events, in one transaction. Replaying an already applied
    /// change is harmless: the catalog keeps the newest version, events are keyed by id.
    /// </summary>
    Outbox<ApiKeyState> Outbox => outbox ??= new(this, state, async key =>
    {
        await catalog.Publish(this.GetPrimaryKeyString(), key.Deleted ? null : ToApiKey(), key.Version, key.Outbox);
        key.CatalogPending = false;
    }, logger);

    async Task CheckVisibleTo(Caller caller)
    {
        await ExpireIfDue();
        if (!Exists || caller.TenantId != Key.TenantId)
        {
            throw NotFound();
        }
    }

    /// <summary>The caller's role is checked before the key is looked at, so a non-admin learns nothing about the key.</summary>
    async Task CheckAdmin(Caller caller)
    {
        await GrainFactory.RequireTenantAdmin(caller, "Only a tenant admin may suspend or resume keys.");
        await CheckVisibleTo(caller);
    }

    /// <summary>A Developer cannot see another user's keys, so to them those keys do not exist.</summary>
    async Task CheckOwnerOrAdmin(Caller caller)
    {
        await CheckVisibleTo(caller);
        if (!ToApiKey().IsOwnedBy(caller) && !await GrainFactory.IsTenantAdmin(caller))
        {
            throw NotFound();
        }
    }

    ApiKey ToApiKey() => new(this.GetPrimaryKeyString(), Key.TenantId, Key.Description, Key.Status, Key.Sub, Key.SubType,
        Key.Expiry, Key.CreatedByUser, Key.Created, Key.LastUpdated, RotatedFrom: Key.RotatedFrom, RotatedTo: Key.RotatedTo,
        Scopes: Key.Scopes, AllowedCidrs: Key.AllowedCidrs);

    static ApiKeysException NotFound() => new(ProblemCode.KeyNotFound, "No such key.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write usage of key {KeyId}; it is kept for the next flush")]
    partial void LogUsageFlushFailed(Exception exception, string keyId);
}
