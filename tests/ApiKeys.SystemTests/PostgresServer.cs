using System.Diagnostics;
using Npgsql;

namespace ApiKeys.Tests;

/// <summary>
/// The PostgreSQL the tests use: the one `scripts/test.sh` started (its connection string in <c>APIKEYS_TEST_POSTGRES</c>), or else a
/// private one this test run starts with <c>scripts/postgres.sh</c> and stops when it ends. Each fixture gets a database of its own.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "APIKEYS_TEST_POSTGRES";

    static readonly Lazy<Task<string>> Server = new(Start);

    /// <summary>A new, empty database on the server, and its connection string.</summary>
    public static async Task<string> CreateDatabase()
    {
        var server = await Server.Value;
        var name = "apikeys_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    static async Task<string> Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return given;
        }
        var folder = Path.Combine(Path.GetTempPath(), "apikeys-tests-postgres-" + Guid.NewGuid().ToString("N")[..8]);
        var script = Path.Combine(TestMachine.RepositoryRoot, "scripts", "postgres.sh");
        var connectionString = (await Run(script, "start", folder)).Trim().Split('\n')[^1];
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(script, "stop", folder).GetAwaiter().GetResult();
        return connectionString;
    }

    static async Task<string> Run(string script, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed: {await errors}");
        }
        return await output;
    }
}
