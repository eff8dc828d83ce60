using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ApiKeys.Tests.Http;

namespace ApiKeys.Tests;

/// <summary>
/// Qlik's own JavaScript client, <c>@qlik/api</c> (pinned; scripts/test.sh installs it beside the OpenAPI tools), lists
/// and reads keys through this service. Our statuses beyond Qlik's (<c>suspended</c>) must not break its calls.
/// </summary>
public sealed class QlikClientTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static readonly string Tools = Path.GetFullPath(Path.Combine(Environment.GetEnvironmentVariable("APIKEYS_OPENAPI_TOOLS")
        ?? Path.Combine(TestMachine.RepositoryRoot, "artifacts", "tools", "openapi", "node_modules", ".bin"), "..", ".."));

    [Fact]
    public async Task Qliks_client_lists_and_reads_keys_of_every_status_ours_included()
    {
        var tenant = await HttpTenant.Create(api);
        var caller = await tenant.Generate(description: "used by @qlik/api");
        var suspended = await tenant.Generate(description: "suspended");
        var revoked = await tenant.Generate(description: "revoked");
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{suspended.Id}/actions/suspend", null));
        await HttpExpect.Ok(await tenant.Admin.PostAsync($"/api/v1/api-keys/{revoked.Id}/actions/revoke", null));

        var answer = await Node(api.BaseAddress.ToString().TrimEnd('/'), caller.Token);

        Assert.Equal(200, answer.GetProperty("status").GetInt32());
        var statuses = answer.GetProperty("keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("id").GetString()!, k => (k.GetProperty("listed").GetString(), k.GetProperty("read").GetString()));
        Assert.Equal(("active", "active"), statuses[caller.Id]);
        Assert.Equal(("suspended", "suspended"), statuses[suspended.Id]);
        Assert.Equal(("revoked", "revoked"), statuses[revoked.Id]);
    }

    static async Task<JsonElement> Node(string host, string token)
    {
        Assert.True(File.Exists(Path.Combine(Tools, "node_modules", "@qlik", "api", "package.json")),
            $"No @qlik/api in {Tools}: run scripts/test.sh, which installs it, or set APIKEYS_OPENAPI_TOOLS.");
        // The script runs where node finds @qlik/api: beside the folder npm installed it into.
        var script = Path.Combine(Tools, $"qlik-client-{Guid.NewGuid():N}.mjs");
        File.Copy(Path.Combine(TestMachine.RepositoryRoot, "tests", "ApiKeys.SystemTests", "Http", "qlik-client.mjs"), script);
        try
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Tools };
            foreach (var argument in new[] { script, host, token })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = await stdout;
            Assert.True(process.ExitCode == 0, $"@qlik/api failed: {await stderr}{output}");
            return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        }
        finally
        {
            File.Delete(script);
        }
    }
}
