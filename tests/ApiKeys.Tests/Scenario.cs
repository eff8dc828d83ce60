namespace ApiKeys.Tests;

/// <summary>A fresh tenant with an admin and a developer, so each test works in isolation inside the shared cluster.</summary>
public sealed class Scenario
{
    Scenario(IGrainFactory grains, string tenantId)
    {
        Grains = grains;
        TenantId = tenantId;
    }

    public IGrainFactory Grains { get; }
    public string TenantId { get; }
    public Caller Admin => new(TenantId, "admin");
    public Caller Developer => new(TenantId, "dev");
    public ITenantGrain Tenant => Grains.GetGrain<ITenantGrain>(TenantId);

    public static async Task<Scenario> Create(IGrainFactory grains, bool enableKeys = true, int? maxKeysPerUser = null, string? maxExpiry = null)
    {
        var scenario = new Scenario(grains, "t-" + Guid.NewGuid().ToString("N")[..12]);
        await scenario.Tenant.Create("Tenant " + scenario.TenantId, "admin");
        await scenario.Tenant.SetRoles(scenario.Admin, "dev", TenantRoles.Developer);
        if (enableKeys || maxKeysPerUser is not null || maxExpiry is not null)
        {
            await scenario.Tenant.UpdateConfig(scenario.Admin, new ApiKeysConfigChange(enableKeys, maxExpiry, maxKeysPerUser));
        }
        return scenario;
    }

    public Task<IssuedApiKey> Generate(Caller? caller = null, string description = "ci key", string? expiry = null, string? sub = null,
        KeySubType subType = KeySubType.User)
    {
        caller ??= Developer;
        return Grains.Owner(TenantId, subType, sub ?? caller.UserId).GenerateKey(caller, new KeyRequest(description, expiry, sub, subType));
    }

    public async Task<Caller> AddUser(string userId, TenantRoles roles)
    {
        await Tenant.SetRoles(Admin, userId, roles);
        return new Caller(TenantId, userId);
    }

    public IApiKeyGrain Key(string id) => Grains.GetGrain<IApiKeyGrain>(id);
}
