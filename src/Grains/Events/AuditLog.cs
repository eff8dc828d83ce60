using System.Data.Common;
using System.Text;

namespace ApiKeys.Grains.Events;

/// <summary>The audit events table: appended to in batches, queried per tenant, pruned by age.</summary>
public sealed class AuditLog(ApiKeysDatabase database)
{
    /// <summary>Stores events; an event already stored under the same id is replaced (outbox replays, growing aggregates).</summary>
    public async Task Append(IReadOnlyCollection<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Append(events, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Stores events within <paramref name="transaction"/>, so they land with the writes around them or not at all.</summary>
    public async Task Append(IReadOnlyCollection<AuditEvent> events, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        foreach (var batch in events.DistinctBy(e => e.Id).Chunk(200))
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO audit_events (id, tenant_id, time, type, source, user_id, key_id, data) VALUES ");
            for (var i = 0; i < batch.Length; i++)
            {
                var e = batch[i];
                sql.Append(i == 0 ? "" : ", ").Append($"(@id{i}, @tenant{i}, @time{i}, @type{i}, @source{i}, @user{i}, @key{i}, @data{i})");
                Add(command, $"id{i}", e.Id);
                Add(command, $"tenant{i}", e.TenantId);
                Add(command, $"time{i}", e.Time.ToUnixTimeMilliseconds());
                Add(command, $"type{i}", e.Type);
                Add(command, $"source{i}", e.Source);
                Add(command, $"user{i}", e.UserId);
                Add(command, $"key{i}", e.KeyId);
                Add(command, $"data{i}", e.Data);
            }
            sql.Append(" ON CONFLICT (id) DO UPDATE SET time = excluded.time, data = excluded.data;");
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<AuditEvent?> Get(string tenantId, string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT {Columns} FROM audit_events WHERE id = @id AND tenant_id = @tenant_id;");
        Add(command, "id", eventId);
        Add(command, "tenant_id", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>One page of a tenant's events in time order (then id); a cursor names an event of the tenant.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.InvalidArgument"/> when the cursor names no event of the tenant.</exception>
    public async Task<EventPage> List(string tenantId, EventQuery query, CancellationToken cancellationToken = default)
    {
        if ((query.StartingAfter ?? query.EndingBefore) is { } named && await Get(tenantId, named, cancellationToken) is null)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "The cursor names no event of this tenant (it may have been pruned).",
                query.StartingAfter is not null ? "startingAfter" : "endingBefore");
        }
        var backwards = query.EndingBefore is not null;
        var cursor = query.StartingAfter ?? query.EndingBefore;
        var descending = query.Descending != backwards;
        var direction = descending ? "DESC" : "ASC";
        await using var command = database.DataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_events WHERE tenant_id = @tenant_id");
        Add(command, "tenant_id", tenantId);
        Filter(sql, command, "type", query.Type);
        Filter(sql, command, "key_id", query.KeyId);
        Filter(sql, command, "user_id", query.UserId);
        if (query.Since is { } since)
        {
            sql.Append(" AND time >= @since");
            Add(command, "since", since.ToUnixTimeMilliseconds());
        }
        if (query.Until is { } until)
        {
            sql.Append(" AND time < @until");
            Add(command, "until", until.ToUnixTimeMilliseconds());
        }
        if (cursor is not null)
        {
            sql.Append($" AND (time, id) {(descending ? "<" : ">")} (SELECT time, id FROM audit_events WHERE id = @cursor AND tenant_id = @tenant_id)");
            Add(command, "cursor", cursor);
        }
        sql.Append($" ORDER BY time {direction}, id {direction} LIMIT @limit;");
        Add(command, "limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        var events = new List<AuditEvent>(query.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(Read(reader));
            }
        }
        var (page, hasNext, hasPrevious) = Keyset.Page(events, query.Limit, backwards, cursor is not null);
        return new EventPage(page, hasNext, hasPrevious);
    }

    /// <summary>Deletes up to <paramref name="limit"/> events older than <paramref name="before"/>; returns how many.</summary>
    public async Task<int> Prune(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(
            "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE time < @before ORDER BY time LIMIT @limit);");
        Add(command, "before", before.ToUnixTimeMilliseconds());
        Add(command, "limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    const string Columns = "id, tenant_id, time, type, source, user_id, key_id, data";

    static AuditEvent Read(DbDataReader reader) => new(
        reader.GetString(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetString(7));

    static void Filter(StringBuilder sql, DbCommand command, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append($" AND {column} = @{column}");
            Add(command, column, value);
        }
    }

    static void Add(DbCommand command, string name, object? value) => command.Parameters.Add(Migrator.Parameter(command, name, value));
}
