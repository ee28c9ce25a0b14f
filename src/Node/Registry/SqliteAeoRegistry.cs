using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using N2N.Adapters.Canonical;

using static N2N.Node.Log.SqliteCommands;

namespace N2N.Node.Registry;

/// <summary>
/// The registry as an append-only history in the node's SQLite file: one row per record per applied list, and a
/// removal row when a full list drops an operator. The answer for date D is the latest row (in log order) whose
/// list is as of D or earlier, so past dates are answered as they stood.
/// </summary>
internal sealed class SqliteAeoRegistry(string path) : IAeoRegistry
{
    private const string OwnSource = "own";
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS aeo_history (
              seq INTEGER PRIMARY KEY AUTOINCREMENT, country TEXT NOT NULL, aeo_id TEXT NOT NULL, record TEXT,
              list_id TEXT NOT NULL, list_kind TEXT NOT NULL, as_of TEXT NOT NULL, source TEXT NOT NULL,
              log_index INTEGER, message_id TEXT, signed_by TEXT, received INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_aeo_history ON aeo_history(country, aeo_id, as_of);
            CREATE TABLE IF NOT EXISTS aeo_national_ids (country TEXT NOT NULL, national_id TEXT NOT NULL, aeo_id TEXT NOT NULL,
              PRIMARY KEY (country, national_id, aeo_id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS aeo_lists (country TEXT NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL, list TEXT NOT NULL, log_index INTEGER);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(AeoStatusList list, AeoProvenance provenance, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var country = list.IssuingCountry.ToUpperInvariant();
            var listed = list.Records.Select(r => r.AeoId).ToHashSet(StringComparer.Ordinal);
            if (list.Kind == AeoListKind.Full)
            {
                foreach (var known in await KnownIdsAsync(connection, transaction, country, cancellationToken))
                {
                    if (!listed.Contains(known))
                    {
                        await InsertAsync(connection, transaction, country, known, null, list, provenance, cancellationToken);
                    }
                }
            }

            foreach (var record in list.Records)
            {
                await InsertAsync(connection, transaction, country, record.AeoId, record, list, provenance, cancellationToken);
                foreach (var id in record.NationalIds)
                {
                    await ExecuteAsync(connection, transaction, "INSERT OR IGNORE INTO aeo_national_ids VALUES ($c, $n, $a)", cancellationToken,
                        ("$c", country), ("$n", $"{id.Scheme}:{id.Value}"), ("$a", record.AeoId));
                }
            }

            await ExecuteAsync(connection, transaction, "INSERT INTO aeo_lists VALUES ($c, $s, (SELECT COALESCE(MAX(seq), 0) + 1 FROM aeo_lists), $l, $i)", cancellationToken,
                ("$c", country), ("$s", provenance.Source), ("$l", JsonSerializer.Serialize(list, AeoVerdict.Json)), ("$i", provenance.LogIndex));
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<AeoAnswer> QueryAsync(string country, string id, DateOnly date, CancellationToken cancellationToken)
    {
        country = country.ToUpperInvariant();
        await using var connection = await OpenAsync(cancellationToken);
        var aeoId = id;
        if (id.Contains(':', StringComparison.Ordinal))
        {
            // A national id may move to another AEO id over time: of the operators ever listed with it, take the one
            // whose latest record as of the date still carries it, latest in log order.
            aeoId = await ResolveNationalIdAsync(connection, country, id, date, cancellationToken) ?? id;
        }

        await using var command = connection.CreateCommand();
        // Log order decides between lists; our own list (no log index) is ordered by when it was loaded.
        command.CommandText = """
            SELECT record, list_id, list_kind, as_of, source, log_index, message_id, signed_by, received FROM aeo_history
            WHERE country = $c AND aeo_id = $a AND as_of <= $d ORDER BY log_index DESC, seq DESC LIMIT 1
            """;
        command.Parameters.AddWithValue("$c", country);
        command.Parameters.AddWithValue("$a", aeoId);
        command.Parameters.AddWithValue("$d", date.ToString("yyyy-MM-dd"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return AeoVerdict.Judge(country, id, date, null, null);
        }

        var record = reader.IsDBNull(0) ? null : JsonSerializer.Deserialize<AeoRecord>(reader.GetString(0), AeoVerdict.Json);
        var provenance = new AeoProvenance(
            reader.GetString(4), reader.GetString(1), reader.GetString(2), DateOnly.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)));
        return AeoVerdict.Judge(country, id, date, record, provenance);
    }

    private static async Task<string?> ResolveNationalIdAsync(SqliteConnection connection, string country, string nationalId, DateOnly date, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT h.aeo_id, h.record FROM aeo_national_ids n
            JOIN aeo_history h ON h.seq = (
                SELECT seq FROM aeo_history WHERE country = n.country AND aeo_id = n.aeo_id AND as_of <= $d ORDER BY log_index DESC, seq DESC LIMIT 1)
            WHERE n.country = $c AND n.national_id = $n
            ORDER BY h.log_index DESC, h.seq DESC
            """;
        command.Parameters.AddWithValue("$c", country);
        command.Parameters.AddWithValue("$n", nationalId);
        command.Parameters.AddWithValue("$d", date.ToString("yyyy-MM-dd"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = reader.IsDBNull(1) ? null : JsonSerializer.Deserialize<AeoRecord>(reader.GetString(1), AeoVerdict.Json);
            if (record?.NationalIds.Any(n => $"{n.Scheme}:{n.Value}" == nationalId) == true)
            {
                return reader.GetString(0);
            }
        }

        return null;
    }

    public async Task<AeoStatusList?> OwnListAsync(string nodeId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // The current own list: the last full list with every later delta applied over it.
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT list FROM aeo_lists WHERE country = $c AND source = $s ORDER BY seq";
        command.Parameters.AddWithValue("$c", nodeId.ToUpperInvariant());
        command.Parameters.AddWithValue("$s", OwnSource);
        AeoStatusList? current = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var list = JsonSerializer.Deserialize<AeoStatusList>(reader.GetString(0), AeoVerdict.Json)!;
            if (current is null || list.Kind == AeoListKind.Full)
            {
                current = list with { Kind = AeoListKind.Full };
                continue;
            }

            var merged = current.Records.ToDictionary(r => r.AeoId, StringComparer.Ordinal);
            foreach (var record in list.Records)
            {
                merged[record.AeoId] = record;
            }

            current = current with { ListId = list.ListId, AsOf = list.AsOf, Records = merged.Values.OrderBy(r => r.AeoId, StringComparer.Ordinal).ToList() };
        }

        return current;
    }

    public async Task<long> LastAppliedLogIndexAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(log_index), -1) FROM aeo_lists", cancellationToken));
    }

    public async Task ClearPartnerStateAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, "DELETE FROM aeo_history WHERE source <> $s", cancellationToken, ("$s", OwnSource));
            await ExecuteAsync(connection, transaction, "DELETE FROM aeo_lists WHERE source <> $s", cancellationToken, ("$s", OwnSource));
            await ExecuteAsync(connection, transaction, "DELETE FROM aeo_national_ids WHERE aeo_id NOT IN (SELECT aeo_id FROM aeo_history)", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<string> StateDigestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT country, aeo_id, COALESCE(record, ''), list_id, as_of, log_index, message_id FROM aeo_history WHERE source <> 'own' ORDER BY log_index, country, aeo_id";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                hash.AppendData(Encoding.UTF8.GetBytes((reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)) + "\u001f"));
            }
        }

        return $"{rows} rows, sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    private static async Task<List<string>> KnownIdsAsync(SqliteConnection connection, SqliteTransaction transaction, string country, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT DISTINCT aeo_id FROM aeo_history WHERE country = $c";
        command.Parameters.AddWithValue("$c", country);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string country, string aeoId, AeoRecord? record, AeoStatusList list, AeoProvenance provenance, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            INSERT INTO aeo_history (country, aeo_id, record, list_id, list_kind, as_of, source, log_index, message_id, signed_by, received)
            VALUES ($c, $a, $r, $l, $k, $d, $s, $i, $m, $b, $t)
            """, cancellationToken,
            ("$c", country), ("$a", aeoId), ("$r", record is null ? null : JsonSerializer.Serialize(record, AeoVerdict.Json)), ("$l", list.ListId),
            ("$k", list.Kind), ("$d", list.AsOf.ToString("yyyy-MM-dd")), ("$s", provenance.Source), ("$i", provenance.LogIndex),
            ("$m", provenance.MessageId), ("$b", provenance.SignedBy), ("$t", provenance.Received.ToUnixTimeMilliseconds()));

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
