using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;

namespace ApiKeys.Tests.Http;

/// <summary>The service counting its keys every 200 ms, so the key gauge follows a test without waiting a minute.</summary>
public sealed class MetricsApiFixture : ApiFixture
{
    protected override void ConfigureMode(IWebHostBuilder builder) => builder.UseSetting("ApiKeys:KeyCountInterval", "00:00:00.2");
}

/// <summary>
/// OpenTelemetry listens to meters and activity sources by name across the whole process, so a host's scrape would
/// also count another test host's validations: tests that read telemetry run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

/// <summary>What operators watch: the Prometheus scrape, the Grafana dashboard's queries and the cluster dashboard.</summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class ObservabilityTests(MetricsApiFixture api) : IClassFixture<MetricsApiFixture>
{
    [Fact]
    public async Task The_scrape_counts_validations_by_result_with_their_latency_and_cache_hits_and_misses()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var unknown = await tenant.Generate(description: "to delete");
        await HttpExpect.NoContent(await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{unknown.Id}"));
        var before = await Scrape();

        var anonymous = api.Anonymous();
        foreach (var token in new[] { key.Token, key.Token, key.Token, "not-a-key", unknown.Token })
        {
            using var _ = await anonymous.PostAsJsonAsync("/api/v1/api-keys/verify", new { token });
        }

        var after = await Scrape();
        Assert.Equal(3, after.Delta(before, "apikeys_validations_total", "result=\"valid\""));
        Assert.Equal(1, after.Delta(before, "apikeys_validations_total", "result=\"malformed\""));
        Assert.Equal(1, after.Delta(before, "apikeys_validations_total", "result=\"notFound\""));
        Assert.Equal(5, after.Delta(before, "apikeys_validation_duration_seconds_count"));
        Assert.Equal(3, after.Delta(before, "apikeys_validation_duration_seconds_count", "result=\"valid\""));
        Assert.True(after.Delta(before, "apikeys_validation_duration_seconds_sum") > 0);
        // The first validation asks the key's grain and keeps the answer; the next two are answered from the cache.
        Assert.Equal(2, after.Delta(before, "apikeys_validation_cache_lookups_total", "outcome=\"hit\""));
        Assert.Equal(2, after.Delta(before, "apikeys_validation_cache_lookups_total", "outcome=\"miss\""));
        Assert.True(after.Value("apikeys_validation_cache_answers") >= 1);
    }

    [Fact]
    public async Task The_scrape_counts_key_operations_and_keys_by_tenant_and_status()
    {
        var tenant = await HttpTenant.Create(api);
        var before = await Scrape();
        var kept = await tenant.Generate(description: "kept");
        var revoked = await tenant.Generate(description: "revoked");
        await HttpExpect.NoContent(await tenant.Developer.PatchAsync($"/api/v1/api-keys/{kept.Id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"renamed"}]""")));
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{revoked.Id}/actions/revoke", null));
        var deleted = await tenant.Generate(description: "deleted");
        await HttpExpect.NoContent(await tenant.Developer.DeleteAsync($"/api/v1/api-keys/{deleted.Id}"));

        var after = await Scrape();
        Assert.Equal(3, after.Delta(before, "apikeys_key_operations_total", "operation=\"created\""));
        Assert.Equal(1, after.Delta(before, "apikeys_key_operations_total", "operation=\"renamed\""));
        Assert.Equal(1, after.Delta(before, "apikeys_key_operations_total", "operation=\"revoked\""));
        Assert.Equal(1, after.Delta(before, "apikeys_key_operations_total", "operation=\"deleted\""));

        // The gauge follows the catalog at its next count, which may fall between any two of the calls above: wait for
        // one that came after the last of them (no deleted key left).
        var counted = await ScrapeUntil(s => s.Value("apikeys_keys", $"tenant=\"{tenant.Id}\"", "status=\"revoked\"") == 1
            && s.Value("apikeys_keys", $"tenant=\"{tenant.Id}\"", "status=\"active\"") <= 1);
        Assert.Equal(1, counted.Value("apikeys_keys", $"tenant=\"{tenant.Id}\"", "status=\"active\""));
    }

    [Fact]
    public async Task The_scrape_carries_Orleans_and_ASP_NET_Core_meters()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Generate();
        var scrape = await ScrapeUntil(s => s.Value("orleans_storage_write_latency_milliseconds_count") > 0);
        Assert.True(scrape.Value("orleans_catalog_activations", "grain_type=\"apikey\"") >= 1);
        Assert.True(scrape.Value("orleans_app_requests_latency_milliseconds_count") > 0);
        Assert.True(scrape.Value("http_server_request_duration_seconds_count") > 0);
        Assert.True(scrape.Exports("kestrel_active_connections"));
        Assert.True(scrape.Value("dotnet_process_cpu_time_seconds_total") > 0);
    }

    [Fact]
    public async Task Every_metric_the_Grafana_dashboard_queries_is_one_the_service_exports()
    {
        var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestMachine.RepositoryRoot, "deploy", "grafana", "dashboards", "apikeys.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(queries.Count >= 10, "the dashboard has its panels");

        // Exercise every path the panels watch: validations (valid and refused, from the grain and the cache), key
        // operations, grain storage, HTTP.
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{(await tenant.Generate()).Id}/actions/revoke", null));
        foreach (var token in new[] { key.Token, key.Token, "garbage" })
        {
            using var _ = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token });
        }
        var scrape = await ScrapeUntil(s => s.Value("apikeys_keys", $"tenant=\"{tenant.Id}\"") > 0
            && s.Value("orleans_storage_read_latency_milliseconds_count") > 0);

        var queried = queries.SelectMany(MetricNames).Distinct().ToList();
        Assert.Contains("apikeys_validations_total", queried);
        Assert.All(queried, name => Assert.True(scrape.Exports(name), $"the dashboard queries {name}, which the service does not export"));
    }

    [Fact]
    public async Task The_cluster_dashboard_answers_only_the_operator()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        foreach (var path in new[] { "/dashboard/", "/dashboard/index.html", "/dashboard/ClusterStats" })
        {
            var refused = await api.Management().GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.StartsWith("Basic", refused.Headers.WwwAuthenticate.ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.Management(ApiFixture.UserToken(tenant.Id, "admin")).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.Management(key.Token).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Basic("wrong-token").GetAsync(path)).StatusCode);
            // The public port has no dashboard at all, not even for the operator.
            Assert.Equal(HttpStatusCode.NotFound, (await api.Operator().GetAsync(path)).StatusCode);
        }

        var page = await Basic(ApiFixture.OperatorToken).GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await api.Management(ApiFixture.OperatorToken).GetAsync("/dashboard/ClusterStats")).StatusCode);
        // The live log stream is hidden, even from the operator.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Management(ApiFixture.OperatorToken).GetAsync("/dashboard/Trace")).StatusCode);
    }

    HttpClient Basic(string password)
    {
        var client = api.Management();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + password)));
        return client;
    }

    async Task<Scrape> Scrape()
    {
        var response = await api.Management().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes until <paramref name="done"/> holds: gauges and exports that follow the service on their own timers.</summary>
    async Task<Scrape> ScrapeUntil(Func<Scrape, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var scrape = await Scrape();
            if (done(scrape))
            {
                return scrape;
            }
            Assert.True(DateTime.UtcNow < deadline, "the scrape did not show the expected values within 30 s:\n" + scrape.Text);
            await Task.Delay(100);
        }
    }

    /// <summary>The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or durations.</summary>
    static IEnumerable<string> MetricNames(string query)
    {
        var bare = Braces().Replace(Grouping().Replace(Ranges().Replace(query, ""), ""), "");
        return Identifiers().Matches(bare).Select(m => m.Groups[1].Value).Where(name => !Keywords.Contains(name));
    }

    static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"];

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")]
    private static partial Regex Identifiers();
}

/// <summary>One Prometheus text exposition: sample lines of "name{labels} value".</summary>
public sealed class Scrape(string text)
{
    public string Text => text;

    readonly List<(string Name, string Labels, double Value)> samples = text.Split('\n')
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line =>
        {
            // Label values may hold spaces and braces (routes): the labels end at the last '}', the value follows it.
            var open = line.IndexOf('{');
            var close = line.LastIndexOf('}');
            var (name, labels, rest) = open >= 0 ? (line[..open], line[open..(close + 1)], line[(close + 1)..]) : (line[..line.IndexOf(' ')], "", line[line.IndexOf(' ')..]);
            // A sample may end with a timestamp after its value.
            return (name, labels, double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        }).ToList();

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels contain every one of <paramref name="labels"/>.</summary>
    public double Value(string name, params string[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l))).Sum(s => s.Value);

    public double Delta(Scrape before, string name, params string[] labels) => Value(name, labels) - before.Value(name, labels);

    public bool Exports(string name) => samples.Any(s => s.Name == name);
}
