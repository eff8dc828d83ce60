namespace ApiKeys.Tests;

/// <summary>How the grain suites call the cluster as a front end would, without a front end's cache.</summary>
public static class GrainCalls
{
    /// <summary>The key grain's answer for <paramref name="token"/>; tokens that do not parse never reach the cluster.</summary>
    public static ValueTask<Validation> ValidateKey(this IGrainFactory grains, string token) =>
        ApiKeyToken.TryParse(token, out var keyId, out var secretHash)
            ? grains.GetGrain<IApiKeyGrain>(keyId).Validate(secretHash, default)
            : ValueTask.FromResult(Validation.Refused(ValidationCode.Malformed));
}
