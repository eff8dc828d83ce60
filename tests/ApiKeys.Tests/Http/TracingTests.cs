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

public sealed class TracingTests(TracingApiFixture api) : IClassFixture<TracingApiFixture>
{
    [Fact]
    public async Task A_request_and_the_grain_calls_it_makes_share_one_trace()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var response = await api.As(key.Token).GetAsync("/api/v1/users/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The request's span ends after its answer is sent; wait for it to be exported.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Activity? request;
        while ((request = api.Spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore"
            && s.GetTagItem("url.path") as string == "/api/v1/users/me")) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the request's span was not exported within 30 s");
            await Task.Delay(50);
        }
        var grainCalls = api.Spans.Where(s => s.TraceId == request.TraceId && s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(grainCalls);
        // Each grain call hangs under the request: following parents from any of them reaches the request's span.
        var byId = api.Spans.Where(s => s.TraceId == request.TraceId).ToDictionary(s => s.SpanId);
        foreach (var call in grainCalls)
        {
            var ancestor = call;
            while (ancestor.ParentSpanId != request.SpanId && byId.TryGetValue(ancestor.ParentSpanId, out var parent))
            {
                ancestor = parent;
            }
            Assert.Equal(request.SpanId, ancestor.ParentSpanId);
        }
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
