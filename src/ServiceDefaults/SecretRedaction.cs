using System.Text.RegularExpressions;

namespace ApiKeys.ServiceDefaults;

/// <summary>
/// Finds secrets in text bound for a log: API keys (whole, cut short or with extra characters), their 64-hex-digit
/// secrets on their own, user tokens (JWTs) and the operator token. Nothing should write a secret to a log in the
/// first place; this is the net under request logs and exception messages written by code we do not own.
/// </summary>
public sealed partial class SecretRedaction(string? operatorToken)
{
    public const string Redacted = "(redacted)";

    [GeneratedRegex(@"qlk_[0-9A-Za-z_]*|(?<![0-9A-Za-z])[0-9a-fA-F]{64}(?![0-9A-Za-z])|eyJ[0-9A-Za-z_-]*\.[0-9A-Za-z_-]+\.?[0-9A-Za-z_-]*",
        RegexOptions.CultureInvariant)]
    private static partial Regex Secrets();

    readonly string? operatorToken = string.IsNullOrEmpty(operatorToken) ? null : operatorToken;

    /// <summary>The text with every secret replaced by <see cref="Redacted"/>; the same instance when it holds none.</summary>
    public string Redact(string text)
    {
        var redacted = Secrets().Replace(text, Redacted);
        return operatorToken is null ? redacted : redacted.Replace(operatorToken, Redacted, StringComparison.Ordinal);
    }
}
