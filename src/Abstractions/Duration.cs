using System.Xml;

namespace ApiKeys;

/// <summary>
/// A positive ISO 8601 duration such as <c>PT24H</c> or <c>P365D</c>, as settings and requests carry it; a rotation's
/// grace period may also be zero (<c>PT0S</c>), see <see cref="ParseGrace"/>.
/// </summary>
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

    /// <summary>A duration that may be zero: <c>PT0S</c> ends the old key of a rotation at once (the leak case).</summary>
    public static Duration ParseGrace(string? text, string pointer)
    {
        if (TryParse(text, out var duration, allowZero: true))
        {
            return duration;
        }
        throw new ApiKeysException(ProblemCode.InvalidDuration,
            "Expected an ISO 8601 duration such as PT0S (at once), PT1H or P7D.", pointer);
    }

    public static bool TryParse(string? text, out Duration duration) => TryParse(text, out duration, allowZero: false);

    static bool TryParse(string? text, out Duration duration, bool allowZero)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64 || !text.StartsWith('P'))
        {
            return false;
        }
        try
        {
            var value = XmlConvert.ToTimeSpan(text);
            if (value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero))
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
