#:property PublishAot=false
// Warm-up before the uniform load: validates every seeded key exactly once, in order, through one front end, so every
// key grain is active and the front end holds every answer when the measured load begins. A timed random warm-up
// reaches only part of a million keys. Run: dotnet run --file bench/warm.cs -- <api> <tokens file>
using System.Diagnostics;
using System.Net.Http.Headers;

var api = new Uri(args[0]);
var tokens = File.ReadAllLines(args[1]);
using var http = new HttpClient { BaseAddress = api };
var refused = 0;
var clock = Stopwatch.StartNew();
await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (token, cancellationToken) =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/verify");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request, cancellationToken);
    if (!response.IsSuccessStatusCode)
    {
        Interlocked.Increment(ref refused);
    }
});
Console.WriteLine($"validated {tokens.Length} keys once in {clock.Elapsed.TotalSeconds:0} s, {refused} refused");
