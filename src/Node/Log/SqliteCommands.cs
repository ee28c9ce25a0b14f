using Microsoft.Data.Sqlite;

namespace N2N.Node.Log;

/// <summary>Parameterised commands for the SQLite stores (log, outbox, AEO registry), in one place.</summary>
internal static class SqliteCommands
{
    public static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}

/// <summary>
/// Commands kept prepared for the life of one transaction: a group commit runs the same few statements for every
/// append, and preparing each anew cost more than executing it.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public SqliteTransaction Transaction => transaction;

    /// <summary>The command for <paramref name="sql"/>, prepared once, with these parameter values bound.</summary>
    public SqliteCommand Get(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            _commands[sql] = command = SqliteCommands.Command(connection, transaction, sql, parameters);
            return command;
        }

        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value ?? DBNull.Value;
        }

        return command;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters) =>
        await Get(sql, parameters).ExecuteNonQueryAsync(CancellationToken.None);

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters) =>
        await Get(sql, parameters).ExecuteScalarAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }
    }
}
