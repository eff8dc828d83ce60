using System.Data.Common;
using System.Text;

namespace ApiKeys.Grains.Usage;

/// <summary>Validations per key per minute: added to in batches by the keys' usage flushes, read as series and rankings.</summary>
public sealed class UsageLog(ApiKeysDatabase database, AuditLog audit)
{
    /// <summary>One row of counts to add: a key's validations in one minute (Unix minutes).</summary>
    public readonly record struct Row(string KeyId, string TenantId, long Minute, long Successes, long Failures);

    /// <summary>What one key's flush writes: its per-minute rows, its count and last use for the catalog row, its events.</summary>
    public sealed record KeyFlush(string KeyId, IReadOnlyCollection<Row> Rows, long Successes, DateTimeOffset? LastUsed,
        IReadOnlyCollection<AuditEvent> Events);

    /// <summary>Flushes keys asked for while a write was running, written together by the next one.</summary>
    readonly List<(KeyFlush Flush, TaskCompletionSource Done)> waiting = [];
    bool writing;

    /// <summary>Keys per transaction at most, so one write stays short.</summary>
    const int KeysPerWrite = 1000;

    /// <summary>
    /// Writes one key's flush, together with every other key's flush on this silo that comes while a write is running
    /// (a group commit): with many keys in use, the database sees a few transactions a second, not one per key per
    /// flush interval. Each write is one transaction, all or nothing, so a failed flush is retried whole and never
    /// counts twice; the returned task completes when this key's flush is stored, or fails with the write.
    /// </summary>
    public Task Flush(KeyFlush flush)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiting)
        {
            waiting.Add((flush, done));
            if (writing)
            {
                return done.Task;
            }
            writing = true;
        }
        _ = Task.Run(WriteWaiting);
        return done.Task;
    }

    async Task WriteWaiting()
    {
        while (true)
        {
            List<(KeyFlush Flush, TaskCompletionSource Done)> batch;
            lock (waiting)
            {
                if (waiting.Count == 0)
                {
                    writing = false;
                    return;
                }
                batch = waiting[..Math.Min(waiting.Count, KeysPerWrite)];
                waiting.RemoveRange(0, batch.Count);
            }
            try
            {
                await Write(batch.Select(b => b.Flush).ToList());
                batch.ForEach(b => b.Done.SetResult());
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Done.SetException(e));
            }
        }
    }

    async Task Write(IReadOnlyList<KeyFlush> flushes, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A key can be in one batch twice (a timer's flush beside a deactivation's): one row per key and minute, one
        // catalog update per key, since a statement may not change a row twice.
        var rows = flushes.SelectMany(f => f.Rows).GroupBy(r => (r.KeyId, r.Minute))
            .Select(g => g.First() with { Successes = g.Sum(r => r.Successes), Failures = g.Sum(r => r.Failures) }).ToList();
        await Add(rows, transaction, cancellationToken);
        var uses = flushes.Where(f => f.Successes > 0 && f.LastUsed is not null).GroupBy(f => f.KeyId)
            .Select(g => (KeyId: g.Key, Successes: g.Sum(f => f.Successes), LastUsed: g.Max(f => f.LastUsed!.Value)));
        foreach (var used in uses.Chunk(200))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = new StringBuilder();
            for (var i = 0; i < used.Length; i++)
            {
                values.Append(i == 0 ? "SELECT " : " UNION ALL SELECT ").Append($"@id{i} AS id, @count{i} AS count, @last_used{i} AS last_used");
                Add(command, $"id{i}", used[i].KeyId);
                Add(command, $"count{i}", used[i].Successes);
                Add(command, $"last_used{i}", used[i].LastUsed.ToUnixTimeMilliseconds());
            }
            command.CommandText = $"""
                UPDATE key_catalog SET usage_count = key_catalog.usage_count + used.count,
                    last_used = CASE WHEN key_catalog.last_used IS NULL OR key_catalog.last_used < used.last_used
                        THEN used.last_used ELSE key_catalog.last_used END
                FROM ({values}) AS used
                WHERE key_catalog.id = used.id;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await audit.Append([.. flushes.SelectMany(f => f.Events)], transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    async Task Add(IReadOnlyCollection<Row> rows, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var batch in rows.Chunk(200))
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
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

    /// <summary>
    /// The tenant's keys with the most successful validations since <paramref name="fromMinute"/>, most used first, from
    /// position <paramref name="skip"/> on. Keys since deleted may be among them: usage rows outlive their key until pruned.
    /// </summary>
    /// <remarks>
    /// No join with the catalog: aggregating the window's rows is the whole cost (it grows with the keys used in the
    /// window), and a join doubled it; the caller drops deleted keys from the few it gets back.
    /// </remarks>
    public async Task<IReadOnlyList<(string KeyId, long Successes, long Failures)>> Top(string tenantId, long fromMinute, int skip, int limit,
        CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT key_id, CAST(SUM(successes) AS BIGINT) AS ok, CAST(SUM(failures) AS BIGINT) AS failed
            FROM key_usage WHERE tenant_id = @tenant_id AND minute >= @from
            GROUP BY key_id ORDER BY ok DESC, failed DESC, key_id LIMIT @limit OFFSET @skip;
            """);
        Add(command, "tenant_id", tenantId);
        Add(command, "from", fromMinute);
        Add(command, "limit", limit);
        Add(command, "skip", skip);
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

    static void Add(DbCommand command, string name, object? value) => command.Parameters.Add(Migrator.Parameter(command, name, value));
}
