using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace ApiKeys.Api.Errors;

/// <summary>The one place that turns a refusal or failure into Qlik's error body.</summary>
public static partial class ErrorResponses
{
    public static Task Write(HttpContext context, Error error)
    {
        context.Response.StatusCode = error.Status;
        if (error.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return context.Response.WriteAsJsonAsync(new ErrorBody([error]), json);
    }

    /// <summary>Gives framework-made errors (401 challenge, 403, unknown route, wrong method) a body; handlers' own bodies are left alone.</summary>
    public static Task WriteForStatus(StatusCodeContext context) =>
        Write(context.HttpContext, ErrorTypes.ForStatus(context.HttpContext.Response.StatusCode).With(null));

    /// <summary>Maps exceptions thrown by handlers, by request binding and by the cluster.</summary>
    public sealed partial class Handler(ILogger<Handler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            await Write(context, ToError(exception));
            return true;
        }

        Error ToError(Exception exception)
        {
            switch (exception)
            {
                case ApiProblem problem:
                    return problem.ToError();
                case ApiKeysException refused:
                    return ErrorTypes.For(refused.Code).With(refused.Message, ErrorSource.From(refused.Pointer));
                case BadHttpRequestException { InnerException: JsonException json }:
                    return ErrorTypes.InvalidJson.With("The body is not valid JSON of the expected shape.", JsonPointer(json.Path));
                case BadHttpRequestException bad:
                    return ErrorTypes.ForStatus(bad.StatusCode).With(null);
                case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or OperationCanceledException:
                    LogUnavailable(exception);
                    return ErrorTypes.Unavailable.With("The key cluster did not answer in time; retry.");
                default:
                    LogFailed(exception);
                    return ErrorTypes.Internal.With(null);
            }
        }

        /// <summary>System.Text.Json reports <c>$.a[0].b</c>; the error body speaks JSON pointer, <c>/a/0/b</c>.</summary>
        static ErrorSource? JsonPointer(string? path)
        {
            if (string.IsNullOrEmpty(path) || path == "$")
            {
                return null;
            }
            var pointer = path.TrimStart('$').Replace("['", "/").Replace("']", "").Replace("[", "/").Replace("]", "").Replace('.', '/');
            return new ErrorSource(Pointer: pointer.StartsWith('/') ? pointer : "/" + pointer);
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "The key cluster was unavailable for a request")]
        partial void LogUnavailable(Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "A request failed unexpectedly")]
        partial void LogFailed(Exception exception);
    }
}
