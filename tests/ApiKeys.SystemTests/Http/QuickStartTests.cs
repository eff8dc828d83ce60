using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ApiKeys.Tests.Http;

/// <summary>The service as `dotnet run` starts it: Development environment, the shipped settings.</summary>
public sealed class QuickStartFixture : ApiFixture
{
    protected override bool ConfiguresOperatorToken => false;
}

/// <summary>The README's quick start, run as written with bash, curl and jq; only the address points at this test's service.</summary>
public sealed partial class QuickStartTests(QuickStartFixture api) : IClassFixture<QuickStartFixture>
{
    [Fact]
    public async Task The_readme_quick_start_works_as_written()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TestMachine.RepositoryRoot, "README.md"));
        var script = QuickStartBlock().Match(readme).Groups["script"].Value;
        Assert.Contains("API=http://127.0.0.1:5080", script);
        script = script.Replace("API=http://127.0.0.1:5080", $"API={api.BaseAddress.ToString().TrimEnd('/')}");

        var bash = Process.Start(new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.True(bash.ExitCode == 0, $"quick start failed ({bash.ExitCode}): {await errors}\n{await output}");
        var text = await output;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"valid\": true", text);
        Assert.Contains("\"id\": \"alice\"", text);
        Assert.Equal(["200", "\"revoked\"", "401"], lines.Where(l => l is "200" or "401" or "\"revoked\""));
        Assert.Equal("401", lines[^1]);
    }

    [GeneratedRegex(@"<!-- quickstart -->\s*```sh\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickStartBlock();
}
