namespace ApiKeys;

/// <summary>Calls that span several grains, made from whichever host serves the request.</summary>
public static class KeyAdministration
{
    /// <summary>Parses locally, then asks the key's grain. Malformed and checksum-failing tokens never reach the cluster.</summary>
    public static ValueTask<Validation> ValidateKey(this IGrainFactory grains, ReadOnlySpan<char> token)
    {
        if (!ApiKeyToken.TryParse(token, out var keyId, out var secretHash))
        {
            return ValueTask.FromResult(Validation.Refused(ValidationCode.Malformed));
        }
        return grains.GetGrain<IApiKeyGrain>(keyId).Validate(secretHash);
    }

    /// <summary>
    /// Qlik's DELETE: the owner removes their key; a TenantAdmin deleting another user's key revokes it, so it stays
    /// visible in the tenant's list as revoked.
    /// </summary>
    public static async Task DeleteKey(this IGrainFactory grains, Caller caller, string keyId)
    {
        var key = await grains.GetGrain<IApiKeyGrain>(keyId).Read(caller);
        if (key.IsOwnedBy(caller))
        {
            await grains.User(caller).DeleteKey(caller, keyId);
        }
        else
        {
            await grains.GetGrain<IApiKeyGrain>(keyId).Revoke(caller);
        }
    }

    /// <summary>Revokes many keys at once (seed: "select them in the table and click Revoke"), reporting each id's outcome.</summary>
    public static async Task<IReadOnlyList<RevokeOutcome>> RevokeKeys(this IGrainFactory grains, Caller caller, IEnumerable<string> keyIds)
    {
        var outcomes = keyIds.Distinct(StringComparer.Ordinal).Select(async id =>
        {
            if (!ApiKeyToken.IsKeyId(id))
            {
                return new RevokeOutcome(id, ProblemCode.KeyNotFound);
            }
            try
            {
                await grains.GetGrain<IApiKeyGrain>(id).Revoke(caller);
                return new RevokeOutcome(id, null);
            }
            catch (ApiKeysException e)
            {
                return new RevokeOutcome(id, e.Code);
            }
        });
        return await Task.WhenAll(outcomes);
    }
}
