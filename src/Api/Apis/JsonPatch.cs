using System.Text.Json;
using ApiKeys.Api.Errors;

namespace ApiKeys.Api.Apis;

/// <summary>One operation of an RFC 6902 JSON Patch document, as Qlik's PATCH endpoints take them.</summary>
/// <param name="Value">Undefined when the operation has no value.</param>
public sealed record PatchOperation(string? Op, string? Path, JsonElement Value);

/// <summary>Checks patch documents; every refusal points at the offending operation member.</summary>
public static class JsonPatch
{
    /// <summary>The operations in order, each a <c>replace</c> of one of <paramref name="paths"/>.</summary>
    public static IEnumerable<(int Index, string Path, JsonElement Value)> Replacements(PatchOperation[]? patch, params string[] paths)
    {
        if (patch is null || patch.Length == 0)
        {
            throw new ApiProblem(ErrorTypes.InvalidPatch, "Expected a JSON Patch array with at least one operation.");
        }
        for (var i = 0; i < patch.Length; i++)
        {
            var operation = patch[i] ?? throw Invalid(i, "", "Each operation is an object.");
            if (operation.Op != "replace")
            {
                throw Invalid(i, "op", "Only the 'replace' operation is supported.");
            }
            if (operation.Path is null || !paths.Contains(operation.Path))
            {
                throw Invalid(i, "path", $"The path must be one of {string.Join(", ", paths)}.");
            }
            if (operation.Value.ValueKind == JsonValueKind.Undefined)
            {
                throw Invalid(i, "value", "'replace' needs a value.");
            }
            yield return (i, operation.Path, operation.Value);
        }
    }

    public static string String(int index, JsonElement value, string member = "value") =>
        value.ValueKind == JsonValueKind.String && TryGetText(value, out var text) ? text : throw Invalid(index, member, "Expected a string of well-formed Unicode.");

    /// <summary>JSON may escape a lone surrogate, which .NET refuses to turn into a string.</summary>
    static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>An array of strings; each refusal points at the offending item.</summary>
    public static List<string?> Strings(int index, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(index, "value", "Expected an array of strings.");
        }
        var items = new List<string?>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            items.Add(String(index, item, $"value/{i++}"));
        }
        return items;
    }

    /// <summary>An array of strings, or null (which lifts a restriction).</summary>
    public static List<string?>? StringsOrNull(int index, JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? null : Strings(index, value);

    public static bool Boolean(int index, JsonElement value) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(index, "value", "Expected true or false.");

    public static int Integer(int index, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw Invalid(index, "value", "Expected an integer.");

    public static ApiProblem Invalid(int index, string member, string detail) =>
        new(ErrorTypes.InvalidPatch, detail, new ErrorSource(Pointer: member.Length == 0 ? $"/{index}" : $"/{index}/{member}"));
}
