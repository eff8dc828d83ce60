namespace ApiKeys.Api.Errors;

public static class ErrorMetadata
{
    /// <summary>Describes the error body for each status an endpoint can answer with, in the OpenAPI document.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorBody), ["application/json"]));
        }
        return builder;
    }
}
