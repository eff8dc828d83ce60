namespace ApiKeys.Tests;

public class ApiKeyTokenTests
{
    [Fact]
    public void An_issued_token_parses_back_to_its_key_id_and_secret_hash()
    {
        var keyId = ApiKeyToken.NewKeyId();
        var (token, hash) = ApiKeyToken.Issue(keyId);

        Assert.StartsWith(ApiKeyToken.Prefix + keyId + "_", token);
        Assert.Equal(ApiKeyToken.Length, token.Length);
        Assert.True(ApiKeyToken.TryParse(token, out var parsedId, out var parsedHash));
        Assert.Equal(keyId, parsedId);
        Assert.Equal(hash, parsedHash);
    }

    [Fact]
    public void A_token_is_found_anywhere_in_a_text_and_look_alikes_are_not()
    {
        var (token, _) = ApiKeyToken.Issue(ApiKeyToken.NewKeyId());
        Assert.True(ApiKeyToken.Appears(token));
        Assert.True(ApiKeyToken.Appears("qlk_qlk_ " + token + " trailing"));
        Assert.False(ApiKeyToken.Appears(token.AsSpan()[..^1]));
        Assert.False(ApiKeyToken.Appears("qlk_" + new string('0', 200)));
        Assert.False(ApiKeyToken.Appears("no key here"));
    }

    [Fact]
    public void An_issued_key_never_prints_its_token()
    {
        var (token, _) = ApiKeyToken.Issue(ApiKeyToken.NewKeyId());
        var key = new ApiKey("id", "t", "d", KeyStatus.Active, "u", KeySubType.User, DateTimeOffset.UnixEpoch, "u", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.DoesNotContain(token, new IssuedApiKey(key, token).ToString());
    }

    [Fact]
    public void Two_tokens_for_the_same_key_id_have_different_secrets()
    {
        var keyId = ApiKeyToken.NewKeyId();
        Assert.NotEqual(ApiKeyToken.Issue(keyId).SecretHash, ApiKeyToken.Issue(keyId).SecretHash);
    }

    [Fact]
    public void The_hash_is_sha256_of_the_secret_and_never_the_secret_itself()
    {
        var (token, hash) = ApiKeyToken.Issue(ApiKeyToken.NewKeyId());
        var secret = token.Substring(ApiKeyToken.Prefix.Length + ApiKeyToken.KeyIdLength + 1, 64);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret)), hash);
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public void Every_single_character_change_fails_the_checksum_or_the_format()
    {
        var (token, _) = ApiKeyToken.Issue(ApiKeyToken.NewKeyId());
        for (var i = 0; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'a' ? 'b' : 'a';
            Assert.False(ApiKeyToken.TryParse(new string(chars), out _, out _), $"changed at {i}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("qlk_")]
    [InlineData("Bearer qlk_0123")]
    [InlineData("not a token at all")]
    public void Malformed_tokens_are_rejected(string token) => Assert.False(ApiKeyToken.TryParse(token, out _, out _));

    [Fact]
    public void Truncated_oversized_and_uppercased_tokens_are_rejected()
    {
        var (token, _) = ApiKeyToken.Issue(ApiKeyToken.NewKeyId());
        Assert.False(ApiKeyToken.TryParse(token.AsSpan(0, token.Length - 1), out _, out _));
        Assert.False(ApiKeyToken.TryParse(token + "0", out _, out _));
        Assert.False(ApiKeyToken.TryParse(token.ToUpperInvariant(), out _, out _));
        Assert.False(ApiKeyToken.TryParse(new string('x', 100_000), out _, out _));
    }
}
