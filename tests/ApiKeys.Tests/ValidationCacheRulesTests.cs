using System.Diagnostics;
using ApiKeys.Api.Authentication;
using Microsoft.Extensions.Options;

namespace ApiKeys.Tests;

/// <summary>When a front end may answer from its cache, and when it must ask the key.</summary>
public sealed class ValidationCacheRulesTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    readonly string keyId = ApiKeyToken.NewKeyId();
    readonly byte[] secretHash = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    readonly ValidationCache cache = new(Options.Create(new ApiKeysOptions()));

    Validation Valid(string tenantId = "t1") => new(ValidationCode.Valid, keyId, tenantId, "dev", KeySubType.User, TenantRoles.Developer, Now.AddHours(1));

    bool Answers(DateTimeOffset? at = null, byte[]? hash = null) => cache.TryGet(keyId, hash ?? secretHash, at ?? Now, default, out _);

    [Fact]
    public void A_valid_answer_is_used_for_the_same_secret_only_and_only_before_the_keys_expiry()
    {
        cache.HeardAllUntil(Stopwatch.GetTimestamp());
        cache.Keep(keyId, secretHash, Valid(), cache.BeforeAsking());

        Assert.True(Answers());
        Assert.False(Answers(hash: new byte[32]));
        Assert.False(Answers(at: Now.AddHours(1)));
    }

    [Fact]
    public void Refusals_are_never_kept()
    {
        cache.HeardAllUntil(Stopwatch.GetTimestamp());
        cache.Keep(keyId, secretHash, new Validation(ValidationCode.Revoked, keyId, "t1"), cache.BeforeAsking());

        Assert.False(Answers());
    }

    [Fact]
    public void Nothing_is_answered_without_a_current_lease()
    {
        cache.Keep(keyId, secretHash, Valid(), cache.BeforeAsking());
        Assert.False(Answers());

        // A renewal sent more than a lease ago has run out.
        cache.HeardAllUntil(Stopwatch.GetTimestamp() - Stopwatch.Frequency * 2);
        Assert.False(Answers());

        cache.HeardAllUntil(Stopwatch.GetTimestamp());
        Assert.True(Answers());
    }

    [Fact]
    public void An_answer_asked_for_before_a_change_was_heard_is_not_kept()
    {
        cache.HeardAllUntil(Stopwatch.GetTimestamp());
        var asked = cache.BeforeAsking();
        // The change arrives while the (now stale) answer is on its way back.
        cache.KeysChanged([ApiKeyToken.NewKeyId()]);
        cache.Keep(keyId, secretHash, Valid(), asked);

        Assert.False(Answers());
    }

    [Fact]
    public void Changes_to_the_key_its_tenant_or_a_reset_drop_the_answer()
    {
        cache.HeardAllUntil(Stopwatch.GetTimestamp());
        foreach (var change in new Action[] { () => cache.KeysChanged([keyId]), () => cache.TenantChanged("t1"), cache.Reset })
        {
            cache.Keep(keyId, secretHash, Valid(), cache.BeforeAsking());
            Assert.True(Answers());
            change();
            Assert.False(Answers());
        }

        cache.Keep(keyId, secretHash, Valid(), cache.BeforeAsking());
        cache.TenantChanged("another tenant");
        Assert.True(Answers());
    }

    [Fact]
    public void Answers_older_than_the_ttl_are_neither_used_nor_kept()
    {
        var shortLived = new ValidationCache(Options.Create(new ApiKeysOptions { ValidationCacheTtl = TimeSpan.FromTicks(1) }));
        shortLived.HeardAllUntil(Stopwatch.GetTimestamp());
        shortLived.Keep(keyId, secretHash, Valid(), shortLived.BeforeAsking());

        Assert.False(shortLived.TryGet(keyId, secretHash, Now, default, out _));
        shortLived.DropStale();
        Assert.Equal(0, shortLived.Count);
    }

    [Fact]
    public void A_zero_ttl_turns_the_cache_off()
    {
        var off = new ValidationCache(Options.Create(new ApiKeysOptions { ValidationCacheTtl = TimeSpan.Zero }));
        off.HeardAllUntil(Stopwatch.GetTimestamp());
        off.Keep(keyId, secretHash, Valid(), off.BeforeAsking());

        Assert.Equal(0, off.Count);
    }
}
