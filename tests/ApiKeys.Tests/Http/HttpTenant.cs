using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ApiKeys.Tests.Http;

/// <summary>A fresh tenant made through the REST API: an admin, a developer, API keys enabled. Tests stay isolated in a shared service.</summary>
public sealed class HttpTenant
{
    HttpTenant(ApiFixture api, string id)
    {
        Api = api;
        Id = id;
        Admin = api.User(id, "admin");
        Developer = api.User(id, "dev");
    }

    public ApiFixture Api { get; }
    public string Id { get; }
    public HttpClient Admin { get; }
    public HttpClient Developer { get; }

    public static async Task<HttpTenant> Create(ApiFixture api, bool enableKeys = true)
    {
        var tenant = new HttpTenant(api, "t-" + Guid.NewGuid().ToString("N")[..12]);
        using var created = await api.Operator().PostAsJsonAsync("/api/v1/tenants",
            new { id = tenant.Id, name = "Tenant " + tenant.Id, firstAdmin = "admin" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await tenant.SetRoles("dev", "Developer");
        if (enableKeys)
        {
            await tenant.Configure("/api_keys_enabled", true);
        }
        return tenant;
    }

    /// <summary>A tenant made some other way, to generate keys in and call as its users.</summary>
    public static HttpTenant Existing(ApiFixture api, string id) => new(api, id);

    public HttpClient User(string userId) => Api.User(Id, userId);

    public async Task<HttpClient> AddUser(string userId, params string[] roles)
    {
        await SetRoles(userId, roles);
        return User(userId);
    }

    public async Task SetRoles(string userId, params string[] roles)
    {
        using var response = await Admin.PatchAsync($"/api/v1/users/{userId}",
            Json(new[] { new { op = "replace", path = "/assignedRoles", value = roles.Select(r => new { name = r }) } }));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public async Task Configure(string path, object value)
    {
        using var response = await Admin.PatchAsync($"/api/v1/api-keys/configs/{Id}", Json(new[] { new { op = "replace", path, value } }));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Generates a key and returns the 201 body (ApiKeyWithToken).</summary>
    public async Task<GeneratedKey> Generate(HttpClient? client = null, string description = "http key", object? body = null)
    {
        using var response = await (client ?? Developer).PostAsJsonAsync("/api/v1/api-keys", body ?? new { description });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new GeneratedKey(json.GetProperty("id").GetString()!, json.GetProperty("token").GetString()!, json);
    }

    public static StringContent Json(object value, string mediaType = "application/json") =>
        new(JsonSerializer.Serialize(value), Encoding.UTF8, mediaType);

    public static StringContent Raw(string body, string mediaType = "application/json") => new(body, Encoding.UTF8, mediaType);
}

public sealed record GeneratedKey(string Id, string Token, JsonElement Body);

public static class HttpExpect
{
    /// <summary>Asserts Qlik's error body with the status and code, and returns the one error.</summary>
    public static async Task<JsonElement> Error(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("title").GetString()));
        Assert.Equal((int)status, error.GetProperty("status").GetInt32());
        return error;
    }

    public static async Task<JsonElement> Ok(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task NoContent(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"expected 204, got {(int)response.StatusCode}: {text}");
        Assert.Equal("", text);
    }

    public static string? Pointer(this JsonElement error) =>
        error.TryGetProperty("source", out var source) && source.TryGetProperty("pointer", out var p) ? p.GetString() : null;

    public static string? Parameter(this JsonElement error) =>
        error.TryGetProperty("source", out var source) && source.TryGetProperty("parameter", out var p) ? p.GetString() : null;
}
