using System.Security.Cryptography;
using ApiKeys.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKeys.Grains;

public sealed class ApiKeyState
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

    /// <summary>A deleted key keeps a tombstone so a failed catalog delete can still be repaired.</summary>
    public bool Deleted { get; set; }

    /// <summary>Counts changes; the catalog never takes an older version over a newer one.</summary>
    public int Version { get; set; }

    /// <summary>Set with every change and cleared once the catalog has it; a key activating with it set re-applies it.</summary>
    public bool CatalogPending { get; set; }
}

[GrainType("apikey")]
public sealed partial class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Default)] IPersistentState<ApiKeyState> state,
    KeyCatalog catalog,
    TenantPolicyCache tenants,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<ApiKeysOptions> options,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain, IRemindable
{
    const string ExpiryReminder = "expiry";

    TenantRoles ownerRoles;
    Validation? identity;
    bool expiryArmed;
    long uses;
    DateTimeOffset lastUsed;
    IGrainTimer? usageTimer;

    ApiKeyState Key => state.State;

    bool Exists => state.RecordExists && !Key.Deleted;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            return;
        }
        if (Key.CatalogPending)
        {
            await SyncCatalog();
        }
        if (Exists && Key.Status == KeyStatus.Active)
        {
            ownerRoles = await GrainFactory.User(Key.TenantId, Key.Sub).GetRoles();
            await ArmExpiry();
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
        };
        ownerRoles = roles;
        await Save();
        await ArmExpiry();
        return ToApiKey();
    }

    public Task<ApiKey?> Get() => Task.FromResult(Exists ? ToApiKey() : null);

    public ValueTask<Validation> Validate(byte[] secretHash)
    {
        // The secret is checked first, so a caller without it learns nothing about the key.
        if (!Exists || !CryptographicOperations.FixedTimeEquals(secretHash, Key.SecretHash))
        {
            return ValueTask.FromResult(Validation.Refused(ValidationCode.NotFound));
        }
        if (Key.Status == KeyStatus.Revoked)
        {
            return ValueTask.FromResult(new Validation(ValidationCode.Revoked, this.GetPrimaryKeyString(), Key.TenantId));
        }
        var now = time.GetUtcNow();
        if (Key.Status == KeyStatus.Expired || now >= Key.Expiry)
        {
            return ValueTask.FromResult(new Validation(ValidationCode.Expired, this.GetPrimaryKeyString(), Key.TenantId));
        }
        var enabled = tenants.KeysEnabled(Key.TenantId);
        if (enabled.IsCompletedSuccessfully)
        {
            return ValueTask.FromResult(Accept(enabled.Result, now));
        }
        return AcceptLater(enabled, now);
    }

    async ValueTask<Validation> AcceptLater(ValueTask<bool> enabled, DateTimeOffset now) => Accept(await enabled, now);

    Validation Accept(bool tenantEnabled, DateTimeOffset now)
    {
        if (!tenantEnabled)
        {
            return new Validation(ValidationCode.TenantDisabled, this.GetPrimaryKeyString(), Key.TenantId);
        }
        uses++;
        lastUsed = now;
        usageTimer ??= this.RegisterGrainTimer(FlushUsage, options.Value.UsageFlushInterval, options.Value.UsageFlushInterval);
        return identity ??= new Validation(ValidationCode.Valid, this.GetPrimaryKeyString(), Key.TenantId, Key.Sub,
            Key.SubType, ownerRoles, Key.Expiry);
    }

    public async Task<ApiKey> Read(Caller caller)
    {
        await CheckOwnerOrAdmin(caller);
        return ToApiKey();
    }

    public async Task<ApiKey> Rename(Caller caller, string description)
    {
        await CheckOwnerOrAdmin(caller);
        Key.Description = KeyDescription.Check(description);
        Key.LastUpdated = time.Now();
        await Save();
        return ToApiKey();
    }

    public async Task<ApiKey> Revoke(Caller caller)
    {
        await CheckVisibleTo(caller);
        if (!await IsTenantAdmin(caller))
        {
            throw new ApiKeysException(ProblemCode.TenantAdminRequired, "Only a tenant admin may revoke keys.");
        }
        await ExpireIfDue();
        if (Key.Status != KeyStatus.Active)
        {
            throw new ApiKeysException(ProblemCode.KeyNotActive, $"Only active keys can be revoked; this key is {KeyCatalog.StatusText(Key.Status)}.");
        }
        await Retire(KeyStatus.Revoked);
        return ToApiKey();
    }

    public async Task RevokeForRemovedOwner()
    {
        await ExpireIfDue();
        if (Exists && Key.Status == KeyStatus.Active)
        {
            await Retire(KeyStatus.Revoked);
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
        await Save();
        await Disarm();
        uses = 0;
        DeactivateOnIdle();
    }

    public Task SetOwnerRoles(TenantRoles roles)
    {
        ownerRoles = roles;
        identity = null;
        return Task.CompletedTask;
    }

    public async Task ArmExpiry()
    {
        if (!Exists || Key.Status != KeyStatus.Active)
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

    public async Task FlushUsage()
    {
        if (uses == 0)
        {
            usageTimer?.Dispose();
            usageTimer = null;
            return;
        }
        var (count, at) = (uses, lastUsed);
        uses = 0;
        try
        {
            await catalog.AddUsage(this.GetPrimaryKeyString(), count, at);
        }
        catch (Exception e)
        {
            uses += count;
            LogUsageFlushFailed(e, this.GetPrimaryKeyString());
        }
    }

    async Task ExpireIfDue()
    {
        if (Exists && Key.Status == KeyStatus.Active && time.GetUtcNow() >= Key.Expiry)
        {
            await Retire(KeyStatus.Expired);
        }
    }

    async Task Retire(KeyStatus status)
    {
        Key.Status = status;
        Key.LastUpdated = time.Now();
        await Save();
        await Disarm();
        GrainFactory.User(Key.TenantId, Key.Sub).KeyRetired(this.GetPrimaryKeyString()).Ignore();
    }

    async Task Disarm()
    {
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        expiryArmed = false;
    }

    /// <summary>Persists a change, then mirrors it into the catalog.</summary>
    async Task Save()
    {
        identity = null;
        Key.Version++;
        Key.CatalogPending = true;
        await state.WriteStateAsync();
        await SyncCatalog();
    }

    async Task SyncCatalog()
    {
        try
        {
            if (Key.Deleted)
            {
                await catalog.Delete(this.GetPrimaryKeyString());
            }
            else
            {
                await catalog.Upsert(ToApiKey(), Key.Version);
            }
            Key.CatalogPending = false;
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            // The grain state is the truth; the catalog catches up when this key next activates.
            LogCatalogWriteFailed(e, this.GetPrimaryKeyString());
        }
    }

    async Task CheckVisibleTo(Caller caller)
    {
        await ExpireIfDue();
        if (!Exists || caller.TenantId != Key.TenantId)
        {
            throw NotFound();
        }
    }

    /// <summary>A Developer cannot see another user's keys, so to them those keys do not exist.</summary>
    async Task CheckOwnerOrAdmin(Caller caller)
    {
        await CheckVisibleTo(caller);
        if (caller.UserId != Key.Sub && !await IsTenantAdmin(caller))
        {
            throw NotFound();
        }
    }

    async Task<bool> IsTenantAdmin(Caller caller) =>
        (await GrainFactory.User(caller).GetRoles()).HasFlag(TenantRoles.TenantAdmin);

    ApiKey ToApiKey() => new(this.GetPrimaryKeyString(), Key.TenantId, Key.Description, Key.Status, Key.Sub, Key.SubType,
        Key.Expiry, Key.CreatedByUser, Key.Created, Key.LastUpdated);

    static ApiKeysException NotFound() => new(ProblemCode.KeyNotFound, "No such key.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write usage of key {KeyId}; it is kept for the next flush")]
    partial void LogUsageFlushFailed(Exception exception, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the catalog for key {KeyId}; it is repaired on the key's next activation")]
    partial void LogCatalogWriteFailed(Exception exception, string keyId);
}
