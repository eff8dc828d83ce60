using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ApiKeys.Tests.Cluster;

/// <summary>
/// There is no container engine here, so docker-compose.yml is checked by parsing it: the services, their builds and
/// images, ports, dependencies, health checks and environment, against the Dockerfiles and what the hosts read.
/// </summary>
public sealed partial class DeploymentTests
{
    static readonly string Root = TestMachine.RepositoryRoot;

    readonly YamlMappingNode compose = Load();

    [Fact]
    public void The_compose_file_has_the_cluster_topology()
    {
        Assert.Equal(["api", "gateway", "grafana", "postgres", "prometheus", "silo"], Services.Children.Keys.Select(k => k.ToString()).Order());
        Assert.True(int.Parse(Scalar(Service("silo"), "deploy", "replicas")) >= 2);
        Assert.True(int.Parse(Scalar(Service("api"), "deploy", "replicas")) >= 2);
        Assert.Equal("postgres:15", Scalar(Service("postgres"), "image"));
        Assert.Contains("postgres-data:/var/lib/postgresql/data", Sequence(Service("postgres"), "volumes"));
        Assert.True(((YamlMappingNode)compose["volumes"]).Children.ContainsKey("postgres-data"));
        Assert.Contains("8080:80", Sequence(Service("gateway"), "ports"));
    }

    [Theory]
    [InlineData("silo", "Silo")]
    [InlineData("api", "Api")]
    public void Each_program_is_built_from_its_own_Dockerfile_that_publishes_and_runs_it(string service, string project)
    {
        Assert.Equal(".", Scalar(Service(service), "build", "context"));
        var dockerfile = Scalar(Service(service), "build", "dockerfile");
        var text = File.ReadAllText(Path.Combine(Root, dockerfile));
        Assert.Contains($"dotnet publish src/{project}/ApiKeys.{project}.csproj", text);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"ApiKeys.{project}.dll\"]", text);
        Assert.True(File.Exists(Path.Combine(Root, "src", project, $"ApiKeys.{project}.csproj")));
        Assert.Contains("EXPOSE 8080", text);
        Assert.Contains("USER $APP_UID", text);
    }

    [Fact]
    public void Services_start_in_order_once_what_they_need_is_healthy()
    {
        foreach (var (service, needs) in new[] { ("silo", "postgres"), ("api", "silo"), ("gateway", "api") })
        {
            Assert.Equal("service_healthy", Scalar(Service(service), "depends_on", needs, "condition"));
            Assert.True(Service(needs).Children.ContainsKey("healthcheck"), $"{needs} has no health check");
        }
        foreach (var service in new[] { "silo", "api" })
        {
            // The health check probes the port the program listens on, at the readiness endpoint it maps.
            var check = string.Join(" ", Sequence(Service(service), "healthcheck", "test"));
            Assert.Contains($"http://localhost:{Ports(service)[0]}/health/ready", check);
        }
        Assert.Contains("\"/health/ready\"", File.ReadAllText(Path.Combine(Root, "src", "ServiceDefaults", "ServiceDefaults.cs")));
        Assert.Contains("app.MapDefaultEndpoints();", File.ReadAllText(Path.Combine(Root, "src", "Silo", "Program.cs")));
        Assert.Contains("app.MapDefaultEndpoints();", File.ReadAllText(Path.Combine(Root, "src", "Api", "Program.cs")));
    }

    [Fact]
    public void Every_setting_the_compose_file_gives_is_one_the_hosts_read()
    {
        var source = string.Join("\n", Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var framework = new HashSet<string> { "Urls", "ASPNETCORE_FORWARDEDHEADERS_ENABLED", "Logging__Console__FormatterName" };
        foreach (var service in new[] { "silo", "api" })
        {
            var environment = (YamlMappingNode)Service(service)["environment"];
            foreach (var key in environment.Children.Keys.Select(k => k.ToString()).Where(k => !framework.Contains(k)))
            {
                var setting = key.Replace("__", ":");
                var read = setting.StartsWith("ConnectionStrings:")
                    ? source.Contains($"GetConnectionString(\"{setting["ConnectionStrings:".Length..]}\")")
                    : source.Contains($"\"{setting}\"") || SectionBound(source, setting);
                Assert.True(read, $"{service} sets {key}, which no host reads");
            }
            Assert.Equal("postgres", Scalar(Service(service), "environment", "ApiKeys__Database"));
            Assert.Contains("Host=postgres;", Scalar(Service(service), "environment", "ConnectionStrings__ApiKeys"));
        }
        Assert.Equal("true", Scalar(Service("api"), "environment", "Orleans__Client"));
        Assert.Contains("proxy_pass http://api;", File.ReadAllText(Path.Combine(Root, "deploy", "nginx.conf")));
        Assert.Contains("./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro", Sequence(Service("gateway"), "volumes"));
    }

    [Fact]
    public void Prometheus_scrapes_every_silo_and_front_end_and_Grafana_reads_Prometheus()
    {
        Assert.Contains("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro", Sequence(Service("prometheus"), "volumes"));
        var prometheus = LoadYaml(Path.Combine(Root, "deploy", "prometheus.yml"));
        var jobs = ((YamlSequenceNode)prometheus["scrape_configs"]).Children.Cast<YamlMappingNode>().ToDictionary(j => Scalar(j, "job_name"));
        foreach (var service in new[] { "silo", "api" })
        {
            var job = jobs[service];
            Assert.Equal("/metrics", Scalar(job, "metrics_path"));
            var discovery = (YamlMappingNode)((YamlSequenceNode)job["dns_sd_configs"]).Children[0];
            Assert.Equal([service], Sequence(discovery, "names"));
            // Metrics answer on the management port only, which the program listens on.
            var management = Scalar(Service(service), "environment", "Management__Port");
            Assert.Equal(management, Scalar(discovery, "port"));
            Assert.Contains(int.Parse(management), Ports(service));
        }
        // The gateway forwards the front ends' API port, which is not their management port, so /metrics and the
        // cluster dashboard are off the internet by any spelling.
        var apiPort = Ports("api")[0];
        Assert.NotEqual(apiPort.ToString(), Scalar(Service("api"), "environment", "Management__Port"));
        Assert.Contains($"server api:{apiPort} resolve;", File.ReadAllText(Path.Combine(Root, "deploy", "nginx.conf")));

        var volumes = Sequence(Service("grafana"), "volumes").ToList();
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", volumes);
        Assert.Contains("./deploy/grafana/dashboards:/etc/grafana/dashboards:ro", volumes);
        var source = (YamlMappingNode)((YamlSequenceNode)LoadYaml(Path.Combine(Root, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"))["datasources"]).Children[0];
        Assert.Equal("http://prometheus:9090", Scalar(source, "url"));
        var provider = (YamlMappingNode)((YamlSequenceNode)LoadYaml(Path.Combine(Root, "deploy", "grafana", "provisioning", "dashboards", "apikeys.yml"))["providers"]).Children[0];
        Assert.Equal("/etc/grafana/dashboards", Scalar(provider, "options", "path"));
        Assert.Equal("service_healthy", Scalar(Service("grafana"), "depends_on", "prometheus", "condition"));
        // Every panel reads the provisioned data source.
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "deploy", "grafana", "dashboards", "apikeys.json")));
        Assert.All(dashboard.RootElement.GetProperty("panels").EnumerateArray(),
            panel => Assert.Equal(Scalar(source, "uid"), panel.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    static YamlMappingNode LoadYaml(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    /// <summary>Auth:* settings are bound as a section to AuthOptions; check the property exists there.</summary>
    static bool SectionBound(string source, string setting)
    {
        var parts = setting.Split(':');
        return parts[0] == "Auth" && Regex.IsMatch(source, $@"public \S+ {parts[^1]} \{{ get; set; \}}");
    }

    /// <summary>The ports a service's program listens on, in the order its Urls setting names them.</summary>
    int[] Ports(string service) =>
        Scalar(Service(service), "environment", "Urls").Split(';').Select(url => new Uri(url.Replace("0.0.0.0", "localhost")).Port).ToArray();

    YamlMappingNode Services => (YamlMappingNode)compose["services"];

    YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    static string Scalar(YamlNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key])).Value!;

    static IEnumerable<string> Sequence(YamlNode node, params string[] path) =>
        ((YamlSequenceNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key])).Children.Select(c => ((YamlScalarNode)c).Value!);

    static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        // Compose files share settings through merge keys (<<: *anchor); read them as Compose does.
        yaml.Load(new YamlDotNet.Core.MergingParser(new YamlDotNet.Core.Parser(reader)));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
