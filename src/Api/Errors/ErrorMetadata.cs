namespace ApiKeys.Api.Errors;

/// <summary>The errors an endpoint answers beyond those every endpoint of its kind can (<see cref="Hosting.ApiReference"/> adds those).</summary>
public sealed record ErrorTypesMetadata(IReadOnlyList<ErrorType> Types);

public static class ErrorMetadata
{
    /// <summary>Describes, in the OpenAPI document, each error an endpoint can answer with, under its status with the error body.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params ErrorType[] errors) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ErrorTypesMetadata(errors));
        foreach (var status in errors.Select(e => e.Status).Distinct())
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorBody), ["application/json"]));
        }
        return builder;
    }
}
