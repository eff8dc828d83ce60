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

    /// <summary>Flushes keys asked for while a write was running or lingering, written together by the next one.</summary>
    readonly List<(KeyFlush Flush, TaskCompletionSource Done)> waiting = [];
    bool writing;
    /// <summary>Set while the next write lingers; completing it ends the wait.</summary>
    TaskCompletionSource? lingering;

    /// <summary>Keys per transaction at most, so one write stays short.</summary>
    const int KeysPerWrite = 1000;

    /// <summary>
    /// How long a timer's flush waits for others to join it. Keys' timers are spread over the flush interval, so without
    /// it each key would be a transaction of its own: at 20,000 keys in use, 2,000 commits a second instead of four.
    /// </summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Writes one key's flush, together with every other key's flush on this silo that comes while a write is running
    /// or lingering (a group commit): with many keys in use, the database sees a few transactions a second, not one per
    /// key per flush interval. Each write is one transaction, all or nothing, so a failed flush is retried whole and
    /// never counts twice; the returned task completes when this key's flush is stored, or fails with the write.
    /// </summary>
    /// <param name="linger">Wait up to <see cref="Linger"/> for other keys' flushes (a timer's); otherwise write now.</param>
    public Task Flush(KeyFlush flush, bool linger = false)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiting)
        {
            waiting.Add((flush, done));
            if (writing)
            {
                if (!linger)
                {
                    lingering?.TrySetResult();
                }
                return done.Task;
            }
            writing = true;
            lingering = linger ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        }
        _ = Task.Run(WriteWaiting);
        return done.Task;
    }

    async Task WriteWaiting()
    {
        if (lingering is { } wait)
        {
            await Task.WhenAny(wait.Task, Task.Delay(Linger));
        }
        while (true)
        {
            List<(KeyFlush Flush, TaskCompletionSource Done)> batch;
            lock (waiting)
            {
                lingering = null;
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
        if (database.Dialect != Dialect.Sqlite)
        {
            await Write(connection, flushes, WriteInBatches, cancellationToken);
            return;
        }
        // Usage is the one write a power cut may take (the last flushes); keys, settings and events keep a full sync.
        await Pragma(connection, "synchronous = NORMAL", cancellationToken);
        try
        {
            await Write(connection, flushes, WriteEach, cancellationToken);
        }
        finally
        {
            await Pragma(connection, "synchronous = FULL", cancellationToken);
        }
    }

    static async Task Pragma(DbConnection connection, string pragma, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes a key's rows and its catalog count, one dialect's way.</summary>
    delegate Task RowWriter(IReadOnlyList<Row> rows, IReadOnlyList<Use> uses, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>A key's validations in one flush, for its catalog row.</summary>
    readonly record struct Use(string KeyId, long Successes, DateTimeOffset LastUsed);

    async Task Write(DbConnection connection, IReadOnlyList<KeyFlush> flushes, RowWriter writeRows, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A key can be in one batch twice (a timer's flush beside a deactivation's): one row per key and minute, one
        // catalog update per key, since a statement may not change a row twice.
        var rows = flushes.SelectMany(f => f.Rows).GroupBy(r => (r.KeyId, r.Minute))
            .Select(g => g.First() with { Successes = g.Sum(r => r.Successes), Failures = g.Sum(r => r.Failures) }).ToList();
        var uses = flushes.Where(f => f.Successes > 0 && f.LastUsed is not null).GroupBy(f => f.KeyId)
            .Select(g => new Use(g.Key, g.Sum(f => f.Successes), g.Max(f => f.LastUsed!.Value))).ToList();
        await writeRows(rows, uses, transaction, cancellationToken);
        await audit.Append([.. flushes.SelectMany(f => f.Events)], transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    const string AddRow = """
        INSERT INTO key_usage (key_id, minute, tenant_id, successes, failures) VALUES ({0})
        ON CONFLICT (key_id, minute) DO UPDATE SET successes = key_usage.successes + excluded.successes, failures = key_usage.failures + excluded.failures;
        """;

    const string AddUses = """
        UPDATE key_catalog SET usage_count = key_catalog.usage_count + used.count,
            last_used = CASE WHEN key_catalog.last_used IS NULL OR key_catalog.last_used < used.last_used
                THEN used.last_used ELSE key_catalog.last_used END
        FROM ({0}) AS used
        WHERE key_catalog.id = used.id;
        """;

    /// <summary>
    /// SQLite runs in this process: one prepared statement executed per row costs a function call, where a statement of
    /// 200 rows costs compiling its text and binding its 1,000 named parameters one by one, each looked up by name
    /// (the profile of 20,000 keys in use had these writes holding the flushes of thousands of keys in memory).
    /// </summary>
    static async Task WriteEach(IReadOnlyList<Row> rows, IReadOnlyList<Use> uses,
        DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var command = Prepared(transaction, string.Format(AddRow, "@key, @minute, @tenant, @ok, @failed"),
            out var parameters, "key", "minute", "tenant", "ok", "failed"))
        {
            foreach (var row in rows)
            {
                (parameters[0].Value, parameters[1].Value, parameters[2].Value, parameters[3].Value, parameters[4].Value) =
                    (row.KeyId, row.Minute, row.TenantId, row.Successes, row.Failures);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var command = Prepared(transaction, string.Format(AddUses, "SELECT @id AS id, @count AS count, @last_used AS last_used"),
            out var parameters, "id", "count", "last_used"))
        {
            foreach (var used in uses)
            {
                (parameters[0].Value, parameters[1].Value, parameters[2].Value) = (used.KeyId, used.Successes, used.LastUsed.ToUnixTimeMilliseconds());
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    static DbCommand Prepared(DbTransaction transaction, string sql, out DbParameter[] parameters, params string[] names)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        parameters = [.. names.Select(n => Migrator.Parameter(command, n, null))];
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>PostgreSQL is a round trip away: 200 rows per statement.</summary>
    static async Task WriteInBatches(IReadOnlyList<Row> rows, IReadOnlyList<Use> uses,
        DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var batch in rows.Chunk(200))
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var values = new StringBuilder();
            for (var i = 0; i < batch.Length; i++)
            {
                values.Append(i == 0 ? "" : "), (").Append($"@key{i}, @minute{i}, @tenant{i}, @ok{i}, @failed{i}");
                Add(command, $"key{i}", batch[i].KeyId);
                Add(command, $"minute{i}", batch[i].Minute);
                Add(command, $"tenant{i}", batch[i].TenantId);
                Add(command, $"ok{i}", batch[i].Successes);
                Add(command, $"failed{i}", batch[i].Failures);
            }
            command.CommandText = string.Format(AddRow, values);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var used in uses.Chunk(200))
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var values = new StringBuilder();
            for (var i = 0; i < used.Length; i++)
            {
                values.Append(i == 0 ? "SELECT " : " UNION ALL SELECT ").Append($"@id{i} AS id, @count{i} AS count, @last_used{i} AS last_used");
                Add(command, $"id{i}", used[i].KeyId);
                Add(command, $"count{i}", used[i].Successes);
                Add(command, $"last_used{i}", used[i].LastUsed.ToUnixTimeMilliseconds());
            }
            command.CommandText = string.Format(AddUses, values);
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
