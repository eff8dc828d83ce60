using System.Diagnostics;
using System.Text.Json;
using ApiKeys.Tests.Http;

namespace ApiKeys.Tests;

/// <summary>
/// The OpenAPI document as outside tools read it: Redocly's linter (recommended rules, every problem a failure) and
/// openapi-typescript, the generator TypeScript clients use. scripts/test.sh installs both from npm and names their
/// folder in APIKEYS_OPENAPI_TOOLS.
/// </summary>
public sealed class ApiDescriptionLintTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static readonly string Tools = Environment.GetEnvironmentVariable("APIKEYS_OPENAPI_TOOLS")
        ?? Path.Combine(TestMachine.RepositoryRoot, "artifacts", "tools", "openapi", "node_modules", ".bin");

    [Fact]
    public async Task Redocly_finds_no_problem_in_the_document()
    {
        var document = await Document();

        var (exit, output, errors) = await Run("redocly", "lint", document, "--format=json",
            "--config", Path.Combine(TestMachine.RepositoryRoot, "tests", "ApiKeys.SystemTests", "Http", "redocly.yaml"));

        Assert.True(output.Contains('{'), errors);
        var report = JsonDocument.Parse(output[output.IndexOf('{')..]).RootElement;
        var problems = report.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}").ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Generated_typescript_types_every_count_and_status_as_a_plain_number()
    {
        var document = await Document();
        var types = Path.ChangeExtension(document, ".d.ts");

        var (exit, output, errors) = await Run("openapi-typescript", document, "-o", types);

        Assert.True(exit == 0, output + errors);
        var generated = await File.ReadAllTextAsync(types);
        Assert.DoesNotContain("number | string", generated);
        Assert.DoesNotContain("string | number", generated);
        Assert.Contains("max_keys_per_user: number;", generated);
        Assert.Contains("excessive_usage_per_minute: number;", generated);
        Assert.Contains("status: number;", generated);
    }

    async Task<string> Document()
    {
        var path = Path.Combine(Path.GetTempPath(), $"apikeys-openapi-{Guid.NewGuid():N}.json");
        using var response = await api.Anonymous().GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        await File.WriteAllTextAsync(path, await response.Content.ReadAsStringAsync());
        return path;
    }

    static async Task<(int Exit, string Output, string Errors)> Run(string tool, params string[] arguments)
    {
        var executable = Path.Combine(Tools, tool);
        Assert.True(File.Exists(executable), $"No {executable}: run scripts/test.sh, which installs the OpenAPI tools, or set APIKEYS_OPENAPI_TOOLS.");
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
