using System.Data;
using System.Data.Common;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ApiKeys.Grains.Storage;

/// <summary>
/// Applies the project's versioned SQL scripts (embedded under Migrations/&lt;dialect&gt;/NNNN_name.sql) once each, in order,
/// recording them in schema_migrations. Safe when several silos start together: the whole run holds the database's write
/// lock (SQLite) or a transaction-scoped advisory lock (PostgreSQL), so the second silo waits, then finds nothing to do.
/// </summary>
public sealed partial class Migrator(ApiKeysDatabase database, ILogger<Migrator> logger)
{
    /// <summary>Names the migration lock among the database's advisory locks ("apikeys" in ASCII).</summary>
    const long AdvisoryLockKey = 0x6170696B657973;

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scripts = Scripts(database.Dialect);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        if (database.Dialect == Dialect.Sqlite)
        {
            // WAL lets validation-time reads and usage flushes proceed while another connection writes.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        }
        // SQLite: Serializable takes the write lock at BEGIN. PostgreSQL: read committed, so that after waiting for the
        // lock each statement sees what the silo before it committed.
        var isolation = database.Dialect == Dialect.Postgres ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable;
        await using var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken);
        if (database.Dialect == Dialect.Postgres)
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});", cancellationToken);
        }
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
            cancellationToken);
        var applied = new HashSet<int>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version FROM schema_migrations;";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(Convert.ToInt32(reader.GetValue(0)));
            }
        }
        foreach (var (version, name, sql) in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            if (DataSteps.TryGetValue(name[(name.IndexOf('_') + 1)..], out var step))
            {
                await step(connection, transaction, cancellationToken);
            }
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at);";
            record.Parameters.Add(Parameter(record, "version", version));
            record.Parameters.Add(Parameter(record, "name", name));
            record.Parameters.Add(Parameter(record, "at", DateTimeOffset.UtcNow.ToString("O")));
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogApplied(version, name);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Work a script needs done on existing rows that SQL cannot do the same way in both dialects, keyed by the script's
    /// name without its version; it runs right after the script, in the same transaction, so it is done exactly once.
    /// </summary>
    static readonly Dictionary<string, Func<DbConnection, DbTransaction, CancellationToken, Task>> DataSteps = new()
    {
        ["folded_descriptions"] = FoldDescriptions,
    };

    /// <summary>Fills <c>description_folded</c> for the keys stored before it existed, 200 at a time in id order (SQLite takes at most 500 SELECTs in one compound).</summary>
    static async Task FoldDescriptions(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var after = "";
        while (true)
        {
            var keys = new List<(string Id, string Description)>();
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT id, description FROM key_catalog WHERE id > @after ORDER BY id LIMIT 200;";
                read.Parameters.Add(Parameter(read, "after", after));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    keys.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
            if (keys.Count == 0)
            {
                return;
            }
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            var folded = new System.Text.StringBuilder();
            for (var i = 0; i < keys.Count; i++)
            {
                folded.Append(i == 0 ? "SELECT " : " UNION ALL SELECT ").Append($"@id{i} AS id, @folded{i} AS folded");
                write.Parameters.Add(Parameter(write, $"id{i}", keys[i].Id));
                write.Parameters.Add(Parameter(write, $"folded{i}", KeyCatalog.Fold(keys[i].Description)));
            }
            write.CommandText = $"UPDATE key_catalog SET description_folded = f.folded FROM ({folded}) AS f WHERE key_catalog.id = f.id;";
            await write.ExecuteNonQueryAsync(cancellationToken);
            after = keys[^1].Id;
        }
    }

    /// <summary>The embedded scripts of a dialect, ordered by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(Dialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"Migrations/{dialect.ToString().ToLowerInvariant()}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = Path.GetFileNameWithoutExtension(n[prefix.Length..]);
                return (int.Parse(name[..name.IndexOf('_')]), name, Read(assembly, n));
            })
            .OrderBy(s => s.Item1)
            .ToList();
    }

    static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} ({Name})")]
    partial void LogApplied(int version, string name);
}
