using System.Data.Common;
using System.Text;

namespace ApiKeys.Grains.Keys;

/// <summary>
/// The relational read model of keys: written by the ApiKey grains on every change, read by admin listing, search
/// and the expiry sweep. A write carries the grain's state version and never replaces a newer row.
/// </summary>
public sealed class KeyCatalog(ApiKeysDatabase database, AuditLog audit)
{
    /// <summary>
    /// Mirrors a key's saved state into the catalog (its row at <paramref name="version"/>, or no row once deleted) and
    /// appends the events of the change, in one transaction: one commit per change, and never one without the other.
    /// </summary>
    public async Task Publish(string keyId, ApiKey? key, int version, IReadOnlyCollection<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (key is null)
        {
            await Delete(keyId, transaction, cancellationToken);
        }
        else
        {
            await Upsert(key, version, transaction, cancellationToken);
        }
        await audit.Append(events, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    async Task Upsert(ApiKey key, int version, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO key_catalog (id, tenant_id, description, description_folded, status, sub, sub_type, created_by_user, created,
                last_updated, expiry, version, rotated_from, rotated_to, scopes, allowed_cidrs)
            VALUES (@id, @tenant_id, @description, @description_folded, @status, @sub, @sub_type, @created_by_user, @created,
                @last_updated, @expiry, @version, @rotated_from, @rotated_to, @scopes, @allowed_cidrs)
            ON CONFLICT (id) DO UPDATE SET
                description = excluded.description, description_folded = excluded.description_folded, status = excluded.status,
                last_updated = excluded.last_updated, expiry = excluded.expiry, version = excluded.version,
                rotated_to = excluded.rotated_to, scopes = excluded.scopes, allowed_cidrs = excluded.allowed_cidrs
            WHERE key_catalog.version < excluded.version;
            """;
        Add(command, "id", key.Id);
        Add(command, "tenant_id", key.TenantId);
        Add(command, "description", key.Description);
        Add(command, "description_folded", Fold(key.Description));
        Add(command, "status", key.Status.Name());
        Add(command, "sub", key.Sub);
        Add(command, "sub_type", key.SubType.Name());
        Add(command, "created_by_user", key.CreatedByUser);
        Add(command, "created", key.Created.ToUnixTimeMilliseconds());
        Add(command, "last_updated", key.LastUpdated.ToUnixTimeMilliseconds());
        Add(command, "expiry", key.Expiry.ToUnixTimeMilliseconds());
        Add(command, "version", version);
        Add(command, "rotated_from", key.RotatedFrom);
        Add(command, "rotated_to", key.RotatedTo);
        Add(command, "scopes", Joined(key.Scopes));
        Add(command, "allowed_cidrs", Joined(key.AllowedCidrs));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task Delete(string keyId, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM key_catalog WHERE id = @id;";
        Add(command, "id", keyId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(long Count, DateTimeOffset? LastUsed)> GetUsage(string keyId, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("SELECT usage_count, last_used FROM key_catalog WHERE id = @id;");
        Add(command, "id", keyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (0, null);
        }
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    }

    /// <summary>
    /// Keys of <paramref name="status"/> (active or suspended: the ones that still expire) whose expiry is before
    /// <paramref name="before"/>, in expiry order, after a position. One status a query, so the (status, expiry) index
    /// returns them in order.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, long Expiry)>> ExpiringBefore(KeyStatus status,
        DateTimeOffset before, int limit, (string Id, long Expiry)? after = null, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT id, expiry FROM key_catalog
            WHERE status = @status AND expiry < @before AND (expiry, id) > (@after_expiry, @after_id)
            ORDER BY expiry, id LIMIT @limit;
            """);
        Add(command, "status", status.Name());
        Add(command, "before", before.ToUnixTimeMilliseconds());
        Add(command, "after_expiry", after?.Expiry ?? long.MinValue);
        Add(command, "after_id", after?.Id ?? "");
        Add(command, "limit", limit);
        var keys = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return keys;
    }

    /// <summary>
    /// One page of a tenant's keys. Sorting is by the chosen column then id; a cursor names a key, and the page
    /// continues from that key's position, so pages stay stable while keys are added.
    /// </summary>
    public async Task<KeyPage> List(string tenantId, KeyQuery query, CancellationToken cancellationToken = default)
    {
        var column = query.Sort switch
        {
            KeySort.Created => "created",
            KeySort.CreatedByUser => "created_by_user",
            KeySort.Sub => "sub",
            KeySort.Status => "status",
            KeySort.Description => "description",
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        };
        var backwards = query.EndingBefore is not null;
        var cursor = query.StartingAfter ?? query.EndingBefore;
        if (cursor is not null && (await GetMany(tenantId, [cursor], cancellationToken)).Count == 0)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "The cursor names no key of this tenant (it may have been deleted).",
                query.StartingAfter is not null ? "startingAfter" : "endingBefore");
        }
        // Reading backwards (endingBefore) walks the order in reverse from the cursor, then flips the page.
        var descending = query.Descending != backwards;
        var direction = descending ? "DESC" : "ASC";
        var order = $"ORDER BY {column} {direction}, id {direction}";

        var filter = new StringBuilder("tenant_id = @tenant_id");
        var parameters = new List<(string Name, object? Value)> { ("tenant_id", tenantId), ("limit", query.Limit + 1) };
        if (query.Status is { } status)
        {
            filter.Append(" AND status = @status");
            parameters.Add(("status", status.Name()));
        }
        if (query.Sub is not null)
        {
            filter.Append(" AND sub = @sub");
            parameters.Add(("sub", query.Sub));
        }
        if (query.SubType is { } subType)
        {
            filter.Append(" AND sub_type = @sub_type");
            parameters.Add(("sub_type", subType.Name()));
        }
        if (query.CreatedByUser is not null)
        {
            filter.Append(" AND created_by_user = @created_by_user");
            parameters.Add(("created_by_user", query.CreatedByUser));
        }
        if (cursor is not null)
        {
            filter.Append($" AND ({column}, id) {(descending ? "<" : ">")} (SELECT {column}, id FROM key_catalog WHERE id = @cursor AND tenant_id = @tenant_id)");
            parameters.Add(("cursor", cursor));
        }

        List<ApiKey> keys;
        if (string.IsNullOrEmpty(query.Search))
        {
            keys = await Read($"SELECT {Columns} FROM key_catalog WHERE {filter} {order} LIMIT @limit;", parameters, cancellationToken);
        }
        else
        {
            const string search = "(description_folded LIKE @pattern ESCAPE '\\' OR id = @search OR sub = @search OR created_by_user = @search)";
            parameters.Add(("pattern", "%" + EscapeLike(Fold(query.Search)) + "%"));
            parameters.Add(("search", query.Search));
            parameters.Add(("window", SearchWindow));
            // A search that matches often fills its page from the first keys in order: look only at those first.
            keys = await Read($"""
                SELECT {Columns} FROM (SELECT {Columns}, description_folded FROM key_catalog WHERE {filter} {order} LIMIT @window) AS first_keys
                WHERE {search} {order} LIMIT @limit;
                """, parameters, cancellationToken);
            if (keys.Count <= query.Limit)
            {
                // A rare match: find all matches (PostgreSQL through its trigram index), then order them. Walking the
                // order and filtering, as a database planner prefers here, reads most of the tenant when matches are old.
                // Only the id and the sort column of each match are kept for ordering; whole rows are read for the page.
                keys = await Read($"""
                    WITH matches AS MATERIALIZED (SELECT id, {column} FROM key_catalog WHERE {filter} AND {search}),
                         page AS (SELECT id FROM matches {order} LIMIT @limit)
                    SELECT {Columns} FROM key_catalog WHERE id IN (SELECT id FROM page) {order};
                    """, parameters, cancellationToken);
            }
        }
        var (page, hasNext, hasPrevious) = Keyset.Page(keys, query.Limit, backwards, cursor is not null);
        return new KeyPage(page, hasNext, hasPrevious);
    }

    /// <summary>
    /// How many keys, in the page's order, a search filters before it looks for its matches among all of the tenant's
    /// keys instead (an index lookup on PostgreSQL, a scan of the tenant on SQLite).
    /// </summary>
    public int SearchWindow { get; init; } = 2000;

    async Task<List<ApiKey>> Read(string sql, List<(string Name, object? Value)> parameters, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }
        var keys = new List<ApiKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }
        return keys;
    }

    static ApiKey Read(DbDataReader reader) => new(
        Id: reader.GetString(0),
        TenantId: reader.GetString(1),
        Description: reader.GetString(2),
        Status: Parse<KeyStatus>(reader.GetString(3)),
        Sub: reader.GetString(4),
        SubType: Parse<KeySubType>(reader.GetString(5)),
        CreatedByUser: reader.GetString(6),
        Created: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        LastUpdated: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        Expiry: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
        LastUsed: reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        RotatedFrom: reader.IsDBNull(11) ? null : reader.GetString(11),
        RotatedTo: reader.IsDBNull(12) ? null : reader.GetString(12),
        Scopes: reader.IsDBNull(13) ? null : reader.GetString(13).Split(' '),
        AllowedCidrs: reader.IsDBNull(14) ? null : reader.GetString(14).Split(' '));

    const string Columns = "id, tenant_id, description, status, sub, sub_type, created_by_user, created, last_updated, expiry, last_used, " +
        "rotated_from, rotated_to, scopes, allowed_cidrs";

    /// <summary>A key's scopes or ranges in one column: neither holds a space, and null stays null (unrestricted).</summary>
    static string? Joined(IReadOnlyList<string>? items) => items is null ? null : string.Join(' ', items);

    /// <summary>How many keys each tenant has in each status (an index-only count).</summary>
    public async Task<IReadOnlyList<(string TenantId, string Status, long Count)>> CountByTenantAndStatus(CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT tenant_id, status, COUNT(*) FROM key_catalog GROUP BY tenant_id, status;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<(string, string, long)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return counts;
    }

    /// <summary>The tenant's keys among <paramref name="keyIds"/>, by id.</summary>
    public async Task<IReadOnlyDictionary<string, ApiKey>> GetMany(string tenantId, IReadOnlyCollection<string> keyIds,
        CancellationToken cancellationToken = default)
    {
        if (keyIds.Count == 0)
        {
            return new Dictionary<string, ApiKey>(StringComparer.Ordinal);
        }
        var parameters = keyIds.Select((id, i) => ($"id{i}", (object?)id)).Append(("tenant_id", tenantId)).ToList();
        var keys = await Read($"""
            SELECT {Columns} FROM key_catalog
            WHERE tenant_id = @tenant_id AND id IN ({string.Join(", ", keyIds.Select((_, i) => $"@id{i}"))});
            """, parameters, cancellationToken);
        return keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
    }

    static T Parse<T>(string text) where T : struct, Enum =>
        WireNames.TryParse<T>(text, out var value) ? value : throw new InvalidDataException($"The catalog holds an unknown {typeof(T).Name} '{text}'.");

    /// <summary>
    /// A description as case-insensitive search compares it, the same on every database: each character mapped to its
    /// uppercase and then lowercase form by .NET's invariant rules (one character for one, so Σ, σ and ς all become σ),
    /// and the Turkish dotted İ and dotless ı taken as i, so "istanbul" finds "İstanbul" and "ISTANBUL". Characters
    /// that fold to two (ß to ss) stay as they are. SQLite's lower() folds ASCII only, and PostgreSQL's follows the
    /// database's locale, so the fold is computed here and stored beside the description.
    /// </summary>
    public static string Fold(string text) =>
        text.ToUpperInvariant().ToLowerInvariant().Replace('\u0130', 'i').Replace('\u0131', 'i');

    static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    static void Add(DbCommand command, string name, object? value) => command.Parameters.Add(Migrator.Parameter(command, name, value));
}
