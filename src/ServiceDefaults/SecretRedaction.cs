using System.Text.RegularExpressions;

namespace ApiKeys.ServiceDefaults;

/// <summary>
/// Finds secrets in text bound for a log: API keys (whole, cut short or with extra characters, in any letter case, with
/// their prefix changed or cut off), their 64-hex-digit secrets on their own or run into more hex digits, user tokens
/// (JWTs) and the operator token. Nothing should write a secret to a log in the first place; this is the net under
/// request logs and exception messages written by code we do not own. It errs towards redacting: a key id joined by '_'
/// to hex digits, or any run of 64 hex digits, is taken for a secret.
/// </summary>
public sealed partial class SecretRedaction(string? operatorToken)
{
    public const string Redacted = "(redacted)";

    [GeneratedRegex(@"qlk_[0-9a-z_]*|[0-9a-f]{24}_[0-9a-f]+|[0-9a-f]{64,}|(?-i:eyJ)[0-9a-z_-]*\.[0-9a-z_-]+\.?[0-9a-z_-]*",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Secrets();

    readonly string? operatorToken = string.IsNullOrEmpty(operatorToken) ? null : operatorToken;

    /// <summary>The text with every secret replaced by <see cref="Redacted"/>; the same instance when it holds none.</summary>
    public string Redact(string text)
    {
        var redacted = Secrets().Replace(text, Redacted);
        return operatorToken is null ? redacted : redacted.Replace(operatorToken, Redacted, StringComparison.Ordinal);
    }
}
