using ApiKeys.Api.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Tests.Http;

/// <summary>
/// A validation answered from the cache is the request a gateway sends for every request of its own: it must allocate
/// nothing, or the garbage collector's pauses become the validation tail. Measured on the calling thread, after a warm-up,
/// on the real service (its cache, usage counting and metrics, with OpenTelemetry listening).
/// </summary>
public sealed class HitPathAllocationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    const int Validations = 1_000;

    [Fact]
    public async Task Validating_a_cached_key_allocates_nothing()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var validator = api.Services.GetRequiredService<KeyValidator>();
        Assert.True((await validator.Validate(key.Token, default)).Valid); // asks the key's grain, and keeps the answer
        for (var i = 0; i < Validations; i++) // warm: the first of each minute's counts makes its entry
        {
            Assert.True(validator.Validate(key.Token, default).IsCompletedSuccessfully, "a validation was not answered from the cache");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var valid = 0;
        for (var i = 0; i < Validations; i++)
        {
            var validation = validator.Validate(key.Token, default);
#pragma warning disable xUnit1031 // read only once it has completed: it cannot block
            valid += validation.IsCompletedSuccessfully && validation.Result.Valid ? 1 : 0;
#pragma warning restore xUnit1031
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Validations, valid);
        Assert.True(allocated == 0, $"{Validations} cached validations allocated {allocated} bytes ({allocated / (double)Validations:0.#} a validation)");
    }

    [Fact]
    public async Task Forward_auth_answered_from_the_cache_allocates_nothing_of_its_own()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var forwardAuth = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == "forwardAuth").RequestDelegate!;
        // One request's context, reused as a server reuses its pooled one: what is measured is the endpoint's own work.
        using var scope = api.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/auth/verify";
        context.Request.Headers.Authorization = $"Bearer {key.Token}";
        var body = new MemoryStream(capacity: 4096);
        context.Response.Body = body;
        async Task Answer()
        {
            body.Position = 0;
            await forwardAuth(context);
            Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        }
        await Answer(); // asks the key's grain, and keeps the answer
        await Answer();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Validations; i++)
        {
            body.Position = 0;
            var answering = forwardAuth(context);
            Assert.True(answering.IsCompletedSuccessfully, "forward auth did not answer at once from the cache");
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(key.Id, context.Response.Headers["X-ApiKey-Id"]);
        Assert.True(allocated == 0, $"{Validations} forward-auth answers allocated {allocated} bytes ({allocated / (double)Validations:0.#} an answer)");
    }
}
