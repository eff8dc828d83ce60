namespace ApiKeys.Api.Errors;

/// <summary>Qlik's error body, the shape of every <c>/api/v1</c> error.</summary>
public sealed record ErrorBody(IReadOnlyList<Error> Errors);

/// <param name="Code">Stable and documented; clients branch on it.</param>
public sealed record Error(string Code, string Title, string? Detail, int Status, ErrorSource? Source = null);

/// <summary>Where the offending input is: a JSON pointer into the body, or a query or header parameter.</summary>
public sealed record ErrorSource(string? Pointer = null, string? Parameter = null)
{
    /// <summary>Domain errors name a body field with a leading '/', anything else is a parameter.</summary>
    public static ErrorSource? From(string? location) => location switch
    {
        null => null,
        ['/', ..] => new ErrorSource(Pointer: location),
        _ => new ErrorSource(Parameter: location),
    };
}

/// <summary>A request the front end refuses by itself, before or instead of calling the cluster.</summary>
public sealed class ApiProblem(ErrorType type, string detail, ErrorSource? source = null) : Exception(detail)
{
    public ErrorType Type { get; } = type;

    public ErrorSource? Offending { get; } = source;

    public Error ToError() => Type.With(Message, Offending);
}
