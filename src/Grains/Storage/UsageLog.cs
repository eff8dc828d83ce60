using System.Data.Common;
using System.Text;

namespace ApiKeys.Grains.Storage;

/// <summary>Validations per key per minute: added to in batches by the usage flush, read as series and rankings.</summary>
public sealed class UsageLog(ApiKeysDatabase database)
{
    /// <summary>One row of counts to add: a key's validations in one minute (Unix minutes).</summary>
    public readonly record struct Row(string KeyId, string TenantId, long Minute, long Successes, long Failures);

    /// <summary>Adds the counts in one statement.</summary>
    public async Task Add(IReadOnlyCollection<Row> rows, CancellationToken cancellationToken = default)
    {
        foreach (var batch in rows.Chunk(200))
        {
            await using var command = database.DataSource.CreateCommand();
            var sql = new StringBuilder("INSERT INTO key_usage (key_id, minute, tenant_id, successes, failures) VALUES ");
            for (var i = 0; i < batch.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append($"(@key{i}, @minute{i}, @tenant{i}, @ok{i}, @failed{i})");
                Add(command, $"key{i}", batch[i].KeyId);
                Add(command, $"minute{i}", batch[i].Minute);
                Add(command, $"tenant{i}", batch[i].TenantId);
                Add(command, $"ok{i}", batch[i].Successes);
                Add(command, $"failed{i}", batch[i].Failures);
            }
            sql.Append(" ON CONFLICT (key_id, minute) DO UPDATE SET successes = key_usage.successes + excluded.successes, failures = key_usage.failures + excluded.failures;");
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A key's counts per minute from <paramref name="fromMinute"/> (inclusive) to <paramref name="toMinute"/> (exclusive); minutes without use are absent.</summary>
    public async Task<IReadOnlyList<(long Minute, long Successes, long Failures)>> Minutes(string keyId, long fromMinute, long toMinute,
        CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT minute, successes, failures FROM key_usage WHERE key_id = @key_id AND minute >= @from AND minute < @to ORDER BY minute;");
        Add(command, "key_id", keyId);
        Add(command, "from", fromMinute);
        Add(command, "to", toMinute);
        var minutes = new List<(long, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            minutes.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return minutes;
    }

    /// <summary>The tenant's keys with the most successful validations since <paramref name="fromMinute"/>, most used first.</summary>
    public async Task<IReadOnlyList<(string KeyId, long Successes, long Failures)>> Top(string tenantId, long fromMinute, int limit,
        CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT key_id, SUM(successes) AS ok, SUM(failures) AS failed FROM key_usage
            WHERE tenant_id = @tenant_id AND minute >= @from
            GROUP BY key_id ORDER BY ok DESC, failed DESC, key_id LIMIT @limit;
            """);
        Add(command, "tenant_id", tenantId);
        Add(command, "from", fromMinute);
        Add(command, "limit", limit);
        var top = new List<(string, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return top;
    }

    /// <summary>Deletes up to <paramref name="limit"/> rows older than <paramref name="beforeMinute"/>; returns how many.</summary>
    public async Task<int> Prune(long beforeMinute, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("""
            DELETE FROM key_usage WHERE (key_id, minute) IN
                (SELECT key_id, minute FROM key_usage WHERE minute < @before ORDER BY minute LIMIT @limit);
            """);
        Add(command, "before", beforeMinute);
        Add(command, "limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static long MinuteOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    public static DateTimeOffset StartOf(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);

    static void Add(DbCommand command, string name, object? value) => command.Parameters.Add(Migrator.Parameter(command, name, value));
}
