using System.Text;

namespace ApiKeys;

/// <summary>What a key's description may be: required, at most 256 characters, printable, well-formed Unicode, and no API key in it.</summary>
public static class KeyDescription
{
    public const int MaxLength = 256;
    static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

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
        if (description.Any(char.IsControl))
        {
            throw Invalid("The description must not contain control characters.");
        }
        // Descriptions are shown, listed, logged and copied into events; a key pasted into one would leak with them.
        if (ApiKeyToken.Appears(description))
        {
            throw Invalid("The description must not contain an API key.");
        }
        try
        {
            Strict.GetByteCount(description);
        }
        catch (EncoderFallbackException)
        {
            throw Invalid("The description is not well-formed Unicode.");
        }
        return description;
    }

    static ApiKeysException Invalid(string message) => new(ProblemCode.DescriptionInvalid, message, "/description");
}

/// <summary>What tenant and user ids may be: 1 to 128 printable characters without '/', which joins them in grain keys.</summary>
public static class Ids
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxLength && !id.Contains('/') && !id.Any(char.IsControl);

    public static string Check(string? id, string pointer) =>
        IsValid(id) ? id! : throw new ApiKeysException(ProblemCode.InvalidArgument,
            $"Ids are 1 to {MaxLength} printable characters without '/'.", pointer);
}
