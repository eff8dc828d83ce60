#:property PublishAot=false
// Seeds a running ApiKeys service for the benchmark through its own REST API: one tenant, keys dealt round-robin to
// users (100 each), so concurrent generations go to different user grains and proceed in parallel; tokens written
// one per line. Run: dotnet run --file bench/seed.cs -- <api> <operator> <keys> <out>
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

var (api, operatorToken, count, output) = (new Uri(args[0]), args[1], int.Parse(args[2]), args[3]);
const int PerUser = 100;
var parallel = new ParallelOptions { MaxDegreeOfParallelism = 32 };
using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };

async Task<JsonElement> Send(HttpMethod method, string path, string? bearer, string? json)
{
    using var request = new HttpRequestMessage(method, path);
    if (bearer is not null)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
    }
    if (json is not null)
    {
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    }
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    }
    return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
}

async Task<string> Token(string user) =>
    (await Send(HttpMethod.Post, "/dev/token", null, JsonSerializer.Serialize(new { tenantId = "bench", userId = user }))).GetProperty("token").GetString()!;

await Send(HttpMethod.Post, "/api/v1/tenants", operatorToken, """{"id":"bench","name":"Benchmark","firstAdmin":"admin"}""");
var admin = await Token("admin");
await Send(HttpMethod.Patch, "/api/v1/api-keys/configs/bench", admin,
    """[{"op":"replace","path":"/api_keys_enabled","value":true},{"op":"replace","path":"/max_keys_per_user","value":1000},{"op":"replace","path":"/max_api_key_expiry","value":"P30D"},{"op":"replace","path":"/excessive_usage_per_minute","value":0},{"op":"replace","path":"/excessive_usage_factor","value":0}]""");
var users = Enumerable.Range(0, (count + PerUser - 1) / PerUser).Select(i => $"user{i}").ToList();
var tokens = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
await Parallel.ForEachAsync(users, parallel, async (user, _) =>
{
    await Send(HttpMethod.Patch, $"/api/v1/users/{user}", admin, """[{"op":"replace","path":"/assignedRoles","value":[{"name":"Developer"}]}]""");
    tokens[user] = await Token(user);
});
var issued = new string[count];
var started = System.Diagnostics.Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, _) =>
{
    var key = await Send(HttpMethod.Post, "/api/v1/api-keys", tokens[users[i % users.Count]], $$"""{"description":"bench key {{i}}"}""");
    issued[i] = key.GetProperty("token").GetString()!;
});
await File.WriteAllLinesAsync(output, issued);
await File.WriteAllTextAsync(output + ".admin", admin);
Console.WriteLine($"seeded {count} keys in {started.Elapsed.TotalSeconds:0} s ({count / started.Elapsed.TotalSeconds:0}/s)");
