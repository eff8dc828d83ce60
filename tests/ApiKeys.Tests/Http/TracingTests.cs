using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ApiKeys.Tests.Http;

/// <summary>The service recording traces, with every finished span also kept in memory for the test.</summary>
public sealed class TracingApiFixture : ApiFixture
{
    public SpanCollection Spans { get; } = new();

    protected override void ConfigureMode(IWebHostBuilder builder)
    {
        builder.UseSetting("Telemetry:Tracing", "true");
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }
}

[Collection(TelemetryCollection.Name)]
public sealed class TracingTests(TracingApiFixture api) : IClassFixture<TracingApiFixture>
{
    [Fact]
    public async Task A_request_and_the_grain_calls_it_makes_share_one_trace()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var response = await api.As(key.Token).GetAsync("/api/v1/users/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Spans are exported as they end, on the threads that end them: the request's after its answer is sent, a silo's
        // grain-call span after its response has left. Wait until the request and its grain calls are all in.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var request = api.Spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore"
                && s.GetTagItem("url.path") as string == "/api/v1/users/me");
            var grainCalls = request is null ? [] : api.Spans.Where(s => s.TraceId == request.TraceId
                && s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToList();
            if (request is not null && grainCalls.Count > 0 && grainCalls.All(call => ChainsTo(call, request)) || DateTime.UtcNow >= deadline)
            {
                Assert.NotNull(request);
                Assert.NotEmpty(grainCalls);
                // Each grain call hangs under the request: following parents from any of them reaches the request's span.
                Assert.All(grainCalls, call => Assert.True(ChainsTo(call, request), $"{call.DisplayName} does not hang under the request"));
                return;
            }
            await Task.Delay(50);
        }
    }

    bool ChainsTo(Activity span, Activity request)
    {
        var byId = api.Spans.Where(s => s.TraceId == request.TraceId).ToDictionary(s => s.SpanId);
        while (span.ParentSpanId != request.SpanId && byId.TryGetValue(span.ParentSpanId, out var parent))
        {
            span = parent;
        }
        return span.ParentSpanId == request.SpanId;
    }
}

/// <summary>Finished spans, added by the exporter's thread while the test reads them.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    readonly ConcurrentQueue<Activity> spans = new();

    public int Count => spans.Count;

    public bool IsReadOnly => false;

    public void Add(Activity item) => spans.Enqueue(item);

    public void Clear() => spans.Clear();

    public bool Contains(Activity item) => spans.Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => spans.CopyTo(array, arrayIndex);

    public bool Remove(Activity item) => throw new NotSupportedException();

    public IEnumerator<Activity> GetEnumerator() => spans.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
