using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApiKeys.Tests.Cluster;

/// <summary>Cluster process tests run alone: they load a 2-core machine, and their silos must not be starved into suspicion.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster processes";
}

/// <summary>
/// The cluster as plain processes, started by <c>scripts/cluster.sh</c> (the same topology as docker-compose.yml):
/// a private PostgreSQL, 3 silos and 2 Api front ends on loopback ports.
/// </summary>
public sealed class ClusterProcesses : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "apikeys-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public Dictionary<string, string> Settings { get; } = [];

    public Uri[] FrontEnds => [new(Settings["API_1"]), new(Settings["API_2"])];

    public async Task InitializeAsync()
    {
        await Script("start", Folder);
        await ReadSettings();
    }

    public Task DisposeAsync() => Script("stop", Folder);

    public Task StopNodes() => Script("stop-nodes", Folder);

    /// <summary>Starts the processes again, on fresh ports.</summary>
    public async Task StartNodes()
    {
        await Script("start-nodes", Folder);
        await ReadSettings();
    }

    /// <summary>Kills a silo as SIGKILL does: no shutdown, no goodbye to the cluster.</summary>
    public void KillSilo(int n)
    {
        var pidFile = Path.Combine(Folder, $"silo-{n}.pid");
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim()));
        File.Delete(pidFile);
        process.Kill();
    }

    async Task ReadSettings()
    {
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(Folder, "cluster.env")))
        {
            var at = line.IndexOf('=');
            Settings[line[..at]] = line[(at + 1)..].Trim('\'');
        }
    }

    public HttpClient Client(Uri frontEnd, string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = frontEnd, Timeout = TimeSpan.FromSeconds(20) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>A user token from the front ends' development sign-in, which every front end of this cluster accepts.</summary>
    public async Task<string> UserToken(string tenantId, string userId)
    {
        using var response = await Client(FrontEnds[0]).PostAsJsonAsync("/dev/token", new { tenantId, userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    static async Task Script(params string[] arguments)
    {
        var script = Path.Combine(TestMachine.RepositoryRoot, "scripts", "cluster.sh");
        var start = new ProcessStartInfo("bash", [script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CONFIGURATION"] = "Debug";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var logs = Directory.Exists(arguments[^1])
                ? string.Join("\n", Directory.GetFiles(arguments[^1], "*.log").Select(f => $"--- {Path.GetFileName(f)}\n" +
                    string.Join("\n", File.ReadLines(f).TakeLast(30))))
                : "";
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed: {await errors}\n{await output}\n{logs}");
        }
    }
}
