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
/// Commands kept prepared for the life of one connection: every group commit runs the same few statements, and
/// preparing each anew cost more than executing it.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    /// <summary>Runs the commands handed out from now on in <paramref name="transaction"/>.</summary>
    public StatementCache Begin(SqliteTransaction transaction)
    {
        _transaction = transaction;
        return this;
    }

    /// <summary>The command for <paramref name="sql"/>, prepared once, with these parameter values bound.</summary>
    public SqliteCommand Get(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            _commands[sql] = command = SqliteCommands.Command(connection, _transaction, sql, parameters);
            return command;
        }

        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value ?? DBNull.Value;
        }

        return command;
    }

    // Synchronous: the one writer runs its statements in a loop of its own (see SqliteExchangeStore.WriteLoopAsync).
    public void Execute(string sql, params (string Name, object? Value)[] parameters) => Get(sql, parameters).ExecuteNonQuery();

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Get(sql, parameters).ExecuteScalar();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
