using System.Xml;

namespace ApiKeys;

/// <summary>A positive ISO 8601 duration such as <c>PT24H</c> or <c>P365D</c>, as settings and requests carry it.</summary>
/// <remarks>Years count 365 days and months 30, as xs:duration does; the text is kept so settings read back as written.</remarks>
public readonly record struct Duration(string Text, TimeSpan Value)
{
    /// <param name="pointer">JSON pointer of the input, for the error.</param>
    public static Duration Parse(string text, string pointer)
    {
        if (TryParse(text, out var duration))
        {
            return duration;
        }
        throw new ApiKeysException(ProblemCode.InvalidDuration,
            "Expected a positive ISO 8601 duration such as PT24H or P30D.", pointer);
    }

    public static bool TryParse(string? text, out Duration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64 || !text.StartsWith('P'))
        {
            return false;
        }
        try
        {
            var value = XmlConvert.ToTimeSpan(text);
            if (value <= TimeSpan.Zero)
            {
                return false;
            }
            duration = new Duration(text, value);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return false;
        }
    }
}
