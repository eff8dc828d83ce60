#:property PublishAot=false
// Revocation under load: validates a set of keys continuously through the front ends while revoking them one by one,
// then reports, per key, how long after its revoke returned any front end still answered "valid".
// Run: dotnet run --file bench/revocation.cs -- <api[,api...]> <admin token> <tokens file> <keys to revoke>
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

var frontEnds = args[0].Split(',').Select(a => new Uri(a)).ToArray();
var admin = args[1];
var tokens = File.ReadLines(args[2]).Reverse().Take(int.Parse(args[3])).ToArray();
var clock = Stopwatch.StartNew();
var validators = frontEnds.Select(f => new HttpClient { BaseAddress = f }).ToArray();
var revoker = new HttpClient { BaseAddress = frontEnds[0] };
revoker.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);

var revokedAt = new ConcurrentDictionary<string, double>();      // token -> ms when its revoke returned
var acceptances = new ConcurrentBag<(string Token, double Started, double Ended)>();
using var stop = new CancellationTokenSource();
var load = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
{
    var random = new Random(worker);
    while (!stop.IsCancellationRequested)
    {
        var token = tokens[random.Next(tokens.Length)];
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/verify");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var started = clock.Elapsed.TotalMilliseconds;
        using var response = await validators[random.Next(validators.Length)].SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            acceptances.Add((token, started, clock.Elapsed.TotalMilliseconds));
        }
    }
})).ToArray();

await Task.Delay(1000); // the load is running before the first revoke
foreach (var token in tokens)
{
    using var response = await revoker.PostAsync($"/api/v1/api-keys/{token.Substring(4, 24)}/actions/revoke", null);
    response.EnsureSuccessStatusCode();
    revokedAt[token] = clock.Elapsed.TotalMilliseconds;
    await Task.Delay(10);
}
await Task.Delay(1000); // keep validating after the last revoke
await stop.CancelAsync();
await Task.WhenAll(load);

// Per key: the latest "valid" answer that arrived after its revoke returned (0 when none did), and how many "valid"
// answers went to requests that started after the revoke returned (the rule says: none).
var lags = tokens.Select(t => acceptances.Where(a => a.Token == t && a.Ended > revokedAt[t]).Select(a => a.Ended - revokedAt[t]).DefaultIfEmpty(0).Max())
    .Order().ToArray();
var late = acceptances.Count(a => a.Started > revokedAt[a.Token]);
Console.WriteLine($"REVOCATION {lags[^1]:0.0} {lags[(int)Math.Ceiling(lags.Length * 0.99) - 1]:0.0} {late} {acceptances.Count}");
