using System.Text;

namespace ApiKeys;

/// <summary>
/// What every text the service stores must be, whichever field holds it: printable (no control characters), well-formed
/// Unicode, and free of API keys. Stored text is listed, searched, logged, copied into events and sent in headers; a key
/// pasted into any of it would leak with it.
/// </summary>
public static class StoredText
{
    static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>Why <paramref name="text"/> may not be stored, in words, or null when it may.</summary>
    public static string? Flaw(string text)
    {
        if (text.Any(char.IsControl))
        {
            return "must not contain control characters";
        }
        if (ApiKeyToken.Appears(text))
        {
            return "must not contain an API key";
        }
        try
        {
            Strict.GetByteCount(text);
            return null;
        }
        catch (EncoderFallbackException)
        {
            return "is not well-formed Unicode";
        }
    }
}

/// <summary>What a key's description may be: required, at most 256 characters, and stored text.</summary>
public static class KeyDescription
{
    public const int MaxLength = 256;

    public static string Check(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            throw Invalid("A description is required.");
        }
        if (description.Length > MaxLength)
        {
            throw Invalid($"The description must be at most {MaxLength} characters.");
        }
        return StoredText.Flaw(description) is { } flaw ? throw Invalid($"The description {flaw}.") : description;
    }

    static ApiKeysException Invalid(string message) => new(ProblemCode.DescriptionInvalid, message, "/description");
}

/// <summary>Why a TenantAdmin suspends or resumes a key: optional, at most 256 characters, and stored text.</summary>
public static class ActionReason
{
    public const int MaxLength = 256;

    public static string? Check(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return null;
        }
        var flaw = reason.Length > MaxLength ? $"must be at most {MaxLength} characters" : StoredText.Flaw(reason);
        return flaw is null ? reason : throw new ApiKeysException(ProblemCode.InvalidArgument, $"The reason {flaw}.", "/reason");
    }
}

/// <summary>What a tenant's name may be: 1 to 256 characters of stored text.</summary>
public static class TenantName
{
    public const int MaxLength = 256;

    public static string Check(string? name)
    {
        var flaw = string.IsNullOrWhiteSpace(name) || name.Length > MaxLength
            ? $"is 1 to {MaxLength} printable characters"
            : StoredText.Flaw(name);
        return flaw is null ? name! : throw new ApiKeysException(ProblemCode.InvalidArgument, $"A tenant name {flaw}.", "/name");
    }
}

/// <summary>What tenant, user and client ids may be: 1 to 128 characters of stored text without '/', which joins them in grain keys.</summary>
public static class Ids
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id) => Flaw(id) is null;

    public static string Check(string? id, string pointer) =>
        Flaw(id) is { } flaw ? throw new ApiKeysException(ProblemCode.InvalidArgument, $"An id {flaw}.", pointer) : id!;

    static string? Flaw(string? id) =>
        string.IsNullOrWhiteSpace(id) || id.Length > MaxLength || id.Contains('/')
            ? $"is 1 to {MaxLength} printable characters without '/'"
            : StoredText.Flaw(id);
}
