using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKeys.Tests.Http;

/// <summary>The OpenAPI document describes every endpoint and its errors, and the reference page renders it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiDescriptionTests(ApiFixture api)
{
    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_with_its_error_body()
    {
        var document = await HttpExpect.Ok(await api.Anonymous().GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");

        var routes = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.Trim('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods))
            // The reference pages, the web console's own files and the operator's cluster dashboard are not API.
            .Where(r => !r.Path.StartsWith("/openapi") && !r.Path.StartsWith("/docs") && r.Path != "/" && !r.Path.StartsWith("/console/")
                && !r.Path.StartsWith(ApiKeys.Api.Apis.DashboardApi.Path))
            .ToList();
        Assert.True(routes.Count >= 20, $"found only {routes.Count} routes");
        foreach (var (path, methods) in routes)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not described");
            foreach (var method in methods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is not described");
                Assert.True(operation.TryGetProperty("summary", out _), $"{method} {path} has no summary");
                if (path.StartsWith("/api/v1"))
                {
                    var errors = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('4')).ToList();
                    Assert.True(errors.Count > 0, $"{method} {path} describes no error");
                    Assert.All(errors, e => Assert.Contains("ErrorBody", e.Value.GetRawText()));
                }
            }
        }
        var apiKey = document.GetProperty("components").GetProperty("schemas").GetProperty("ApiKey").GetProperty("properties");
        Assert.Equal(["id", "tenantId", "description", "status", "sub", "subType", "expiry", "createdByUser", "created", "lastUpdated", "lastUsed"],
            apiKey.EnumerateObject().Select(p => p.Name));
        Assert.Equal("date-time", apiKey.GetProperty("expiry").GetProperty("format").GetString());
        var config = document.GetProperty("components").GetProperty("schemas").GetProperty("ApiKeysConfigBody").GetProperty("properties");
        Assert.Equal(["api_keys_enabled", "max_api_key_expiry", "max_keys_per_user", "scim_externalClient_expiry", "excessive_usage_per_minute", "excessive_usage_factor"],
            config.EnumerateObject().Select(p => p.Name));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task The_reference_page_is_served_without_credentials()
    {
        using var page = await api.Anonymous().GetAsync("/docs/");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());
        using var script = await api.Anonymous().GetAsync("/docs/scalar.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, script.StatusCode);
    }
}
