using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ApiKeys.Grains.Storage;

/// <summary>The SQL dialects the project ships migrations for.</summary>
public enum Dialect
{
    Sqlite,
    Postgres,
}

/// <summary>Where all state lives: Orleans' grain storage and reminders, and our own tables, in one database.</summary>
public sealed class ApiKeysDatabase
{
    public ApiKeysDatabase(Dialect dialect, string connectionString)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        DataSource = dialect switch
        {
            Dialect.Sqlite => SqliteFactory.Instance.CreateDataSource(connectionString),
            Dialect.Postgres => NpgsqlDataSource.Create(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
        };
    }

    public Dialect Dialect { get; }

    public string ConnectionString { get; }

    public DbDataSource DataSource { get; }

    /// <summary>The ADO.NET invariant Orleans' providers load the driver by.</summary>
    public string OrleansInvariant => Dialect switch
    {
        Dialect.Sqlite => "System.Data.SQLite",
        Dialect.Postgres => "Npgsql",
        _ => throw new ArgumentOutOfRangeException(nameof(Dialect)),
    };

    /// <summary>A cluster-mode database: PostgreSQL, shared by every silo.</summary>
    public static ApiKeysDatabase Postgres(string connectionString) => new(Dialect.Postgres, connectionString);

    /// <summary>An embedded-mode database: a SQLite file, created with its folder when missing.</summary>
    public static ApiKeysDatabase SqliteFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        return new ApiKeysDatabase(Dialect.Sqlite, connectionString);
    }
}
