using System.Collections.Frozen;
using System.Text.Json;

namespace ApiKeys;

/// <summary>
/// The one spelling of each status, owner kind and validation result the outside world sees: in REST bodies and
/// queries, forward-auth headers, events, metrics and the catalog's columns. Each is its enum member's name in
/// camelCase (<c>active</c>, <c>externalClient</c>, <c>notFound</c>), the spelling the REST API's JSON writes too.
/// </summary>
public static class WireNames
{
    public static string Name<T>(this T value) where T : struct, Enum => Names<T>.ByValue[value];

    /// <summary>Reads a name exactly as written here; anything else, in any other case, is not one.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is not null && Names<T>.ByName.TryGetValue(text, out value);
    }

    /// <summary>Every name of <typeparamref name="T"/> for an error message: <c>active, expired or revoked</c>.</summary>
    public static string Choices<T>() where T : struct, Enum =>
        Names<T>.InOrder.Count == 1 ? Names<T>.InOrder[0] : $"{string.Join(", ", Names<T>.InOrder.SkipLast(1))} or {Names<T>.InOrder[^1]}";

    static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyList<string> InOrder =
            Enum.GetValues<T>().Select(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString())).ToList();

        public static readonly FrozenDictionary<T, string> ByValue = Enum.GetValues<T>().Zip(InOrder).ToFrozenDictionary(p => p.First, p => p.Second);

        public static readonly FrozenDictionary<string, T> ByName = ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
