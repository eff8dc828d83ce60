using ApiKeys.Api.Errors;

namespace ApiKeys.Api.Apis;

/// <summary>Checks on query strings that binding alone does not make.</summary>
public static class QueryText
{
    /// <summary>
    /// Binding joins a repeated parameter into one comma-separated value, which would then filter on a value no one
    /// sent; a parameter given twice is refused instead.
    /// </summary>
    /// <summary>A page size: 1 to <see cref="KeyQuery.MaxLimit"/>, <paramref name="fallback"/> when absent.</summary>
    public static int Limit(string? text, int fallback = 20) =>
        text is null ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= KeyQuery.MaxLimit ? limit
        : throw new ApiKeysException(ProblemCode.InvalidArgument, $"limit is an integer from 1 to {KeyQuery.MaxLimit}.", "limit");

    public static void RequireSingleValues(HttpRequest request)
    {
        foreach (var (name, values) in request.Query)
        {
            if (values.Count > 1)
            {
                throw new ApiProblem(ErrorTypes.InvalidArgument, $"{name} is given more than once.", new ErrorSource(Parameter: name));
            }
        }
    }
}
