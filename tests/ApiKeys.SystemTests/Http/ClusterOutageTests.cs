using System.Net;

namespace ApiKeys.Tests.Http;

/// <summary>A front end whose cluster is gone; a fixture of its own, since the test stops its silo.</summary>
public sealed class ClusterOutageTests(ClusterApiFixture api) : IClassFixture<ClusterApiFixture>
{
    [Fact]
    public async Task With_no_silo_forward_auth_answers_unavailable_in_the_error_format_as_every_other_endpoint()
    {
        await api.StopSilo();
        // A well-formed token of a key this front end never cached: only the cluster could answer it.
        var token = ApiKeyToken.Issue(ApiKeyToken.NewKeyId()).Token;

        // Forward auth is answered before the middleware, so it writes this error itself; the API's endpoints get it
        // from the error handler.
        var forwardAuth = await HttpExpect.Error(await api.As(token).GetAsync("/api/v1/auth/verify"), HttpStatusCode.ServiceUnavailable,
            "APIKEYS-UNAVAILABLE");
        var list = await HttpExpect.Error(await api.As(token).GetAsync("/api/v1/api-keys"), HttpStatusCode.ServiceUnavailable,
            "APIKEYS-UNAVAILABLE");
        Assert.Equal(list.GetRawText(), forwardAuth.GetRawText());
        // The front end keeps serving what needs no cluster.
        await HttpExpect.Ok(await api.Anonymous().GetAsync("/health/live"));
    }
}
