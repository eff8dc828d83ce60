using ApiKeys.Api.Errors;

namespace ApiKeys.Api.Apis;

/// <summary>Checks on query strings that binding alone does not make.</summary>
public static class QueryText
{
    /// <summary>
    /// Binding joins a repeated parameter into one comma-separated value, which would then filter on a value no one
    /// sent; a parameter given twice is refused instead.
    /// </summary>
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
