using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using N2N.Node.Delivery;
using N2N.Node.Exchange;

using static N2N.Node.Log.SqliteCommands;

namespace N2N.Node.Log;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Every group commit's WAL is flushed to disk (fsync) before any of
/// its callers returns, so what a caller was told is committed survives a crash or a power cut.
/// </summary>
internal sealed class SqliteExchangeStore(string path, TreeHeadSigner treeHeads) : IExchangeStore, IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    // Appends waiting for the one writer (WriteLoopAsync), which commits the appends waiting at the time (up to
    // MaxGroup) in one transaction with one fsync and one signed tree head (group commit): concurrent requests share
    // the cost of durability, and each caller still returns only after its own append is on disk. One writer, because
    // SQLite serialises writers anyway, and it keeps the in-memory frontier in step with the file.
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _writerLoop;
    private volatile System.Runtime.ExceptionServices.ExceptionDispatchInfo? _writerFailure;
    private MerkleFrontier _frontier = new();

    // Durability. SQLite's synchronous=FULL would fsync inside COMMIT, holding up the writer for the whole flush,
    // and with two cores that flush was a third of all a node could do. Instead commits run with synchronous=NORMAL
    // (SQLite still syncs around checkpoints) and the WAL is flushed here, beside the writer: the next group's
    // statements run while this group's flush is under way, and one flush covers every group committed before it
    // started. Nothing is released (receipt, tree head, duplicate answer) until the flush that covers it has returned.
    private readonly string _walPath = path + "-wal";
    private CommitMark _committed = new(0, 0);
    private CommitMark _durable = new(0, 0);
    private volatile System.Runtime.ExceptionServices.ExceptionDispatchInfo? _syncFailure;

    // The writer's own connection and prepared statements, kept across group commits (used only by the writer loop).
    private SqliteConnection? _writer;
    private StatementCache? _statements;
    private int _disposed;
    private int _initialized;
    // The flush of the last committed group (never faults: a failed flush fails that group's callers instead).
    private Task _lastFlush = Task.CompletedTask;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> s_configured = new();
    private static readonly object s_configuredMarker = new();

    /// <summary>Most appends committed together; bounds how long the first of them waits for the last.</summary>
    private const int MaxGroup = 256;

    private const string EntryColumns =
        "idx, time, direction, partner, message_id, related_id, document_type, transport, raw, verdict, reason_code, reason_detail, adapter_id, canonical_json, canonical_hash, leaf_hash, raw_hash";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1)
        {
            // A second writer loop would read the same queue and share one connection.
            throw new InvalidOperationException($"the log at {path} is already open: initialise it once");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var connection = await OpenAsync(cancellationToken);
        if (await ScalarAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken) is not "wal")
        {
            // Durability below is built on the WAL: without it a commit would not be flushed at all.
            throw new InvalidOperationException($"SQLite cannot use WAL mode for {path}; the log needs a local file system that supports it");
        }

        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS log_entries (
              idx INTEGER PRIMARY KEY, time INTEGER NOT NULL, direction TEXT NOT NULL, partner TEXT NOT NULL,
              message_id TEXT, related_id TEXT, document_type TEXT, transport TEXT NOT NULL, raw BLOB NOT NULL,
              verdict TEXT NOT NULL, reason_code TEXT, reason_detail TEXT, adapter_id TEXT,
              canonical_json BLOB, canonical_hash BLOB NOT NULL, leaf_hash BLOB NOT NULL, raw_hash BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_log_message ON log_entries(message_id);
            CREATE TABLE IF NOT EXISTS merkle_tree (position INTEGER PRIMARY KEY, hash BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS tree_heads (tree_size INTEGER PRIMARY KEY, root BLOB NOT NULL, time INTEGER NOT NULL, signature BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS inbound_receipts (entry_idx INTEGER PRIMARY KEY, payload_digest BLOB NOT NULL, receipt BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS outbox (
              message_id TEXT PRIMARY KEY, partner TEXT NOT NULL, document_type TEXT NOT NULL, conversation_id TEXT NOT NULL,
              created INTEGER NOT NULL, payload BLOB NOT NULL, adapter_id TEXT NOT NULL, canonical_json BLOB NOT NULL,
              state TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, updated INTEGER NOT NULL, receipt TEXT, retry_base INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS ix_outbox_state ON outbox(state);
            CREATE TABLE IF NOT EXISTS outbox_attempts (
              message_id TEXT NOT NULL, attempt INTEGER NOT NULL, digest BLOB NOT NULL, envelope BLOB NOT NULL, time INTEGER NOT NULL,
              PRIMARY KEY (message_id, attempt)) WITHOUT ROWID;
            """, cancellationToken);

        await MigrateAsync(connection, cancellationToken);
        var size = Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries", cancellationToken));
        var nodes = new Dictionary<(int, long), byte[]>();
        foreach (var (level, index) in MerkleFrontier.PeakPositions(size))
        {
            if (await ScalarAsync(connection, null, SelectNodeSql, cancellationToken, ("$p", NodePosition(level, index))) is byte[] hash)
            {
                nodes[(level, index)] = hash;
            }
        }

        _frontier = MerkleFrontier.Restore(size, (level, index) =>
            nodes.TryGetValue((level, index), out var hash)
                ? hash
                : throw new InvalidDataException($"the log's Merkle node ({level}, {index}) is missing: run 'n2n audit verify'"));
        // What a migration wrote is flushed like any commit, and what is already in the file counts as durable.
        FlushWal();
        _committed = _durable = new CommitMark(0, size);
        _writerLoop = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    /// <summary>The schema version this code writes (PRAGMA user_version).</summary>
    private const int SchemaVersion = 5;

    // Merkle nodes are keyed in the order they are made: by the leaf that completes them, then by level. Each append
    // then adds to the end of one B-tree, where until schema version 5 a key of (level, index) inserted into the middle
    // of it, at the end of every level's range: a page of its own per level per group commit.
    private const string SelectNodeSql = "SELECT hash FROM merkle_tree WHERE position = $p";

    /// <summary>The key of node (<paramref name="level"/>, <paramref name="index"/>): its last leaf's index, times 64, plus its level.</summary>
    private static long NodePosition(int level, long index) => ((((index + 1) << level) - 1) << 6) | (long)level;

    /// <summary>Brings a log file written by an older node up to <see cref="SchemaVersion"/>, in one transaction.</summary>
    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var version = Convert.ToInt32(await ScalarAsync(connection, null, "PRAGMA user_version", cancellationToken));
        if (version >= SchemaVersion)
        {
            return;
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var columns = new List<string>();
        await using (var command = Command(connection, transaction, "SELECT name FROM pragma_table_info('log_entries')", []))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add(reader.GetString(0));
            }
        }

        if (!columns.Contains("raw_hash"))
        {
            // Version 1 had no stored digest of the raw bytes: record it now, from the bytes as they are today.
            await ExecuteAsync(connection, transaction, "ALTER TABLE log_entries ADD COLUMN raw_hash BLOB", cancellationToken);
            var rows = new List<(long Index, byte[] Raw)>();
            await using (var command = Command(connection, transaction, "SELECT idx, raw FROM log_entries", []))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetInt64(0), (byte[])reader[1]));
                }
            }

            foreach (var (index, raw) in rows)
            {
                await ExecuteAsync(connection, transaction, "UPDATE log_entries SET raw_hash = $h WHERE idx = $i", cancellationToken,
                    ("$h", System.Security.Cryptography.SHA256.HashData(raw)), ("$i", index));
            }
        }

        if (version < 3 && !await HasColumnAsync(connection, transaction, "outbox", "retry_base", cancellationToken))
        {
            // Version 3 counts attempts per retry of a dead letter, so 'outbox retry' gets a full policy again.
            await ExecuteAsync(connection, transaction, "ALTER TABLE outbox ADD COLUMN retry_base INTEGER NOT NULL DEFAULT 0", cancellationToken);
        }

        if (version < 4 && await HasTableAsync(connection, transaction, "inbound_messages", cancellationToken))
        {
            // Version 4 keeps receipts in entry order and finds them through the log's message-id index (see FindInboundSql).
            await ExecuteAsync(connection, transaction, """
                INSERT INTO inbound_receipts (entry_idx, payload_digest, receipt) SELECT entry_idx, payload_digest, receipt FROM inbound_messages;
                DROP TABLE inbound_messages;
                """, cancellationToken);
        }

        if (version < 5 && await HasTableAsync(connection, transaction, "merkle_nodes", cancellationToken))
        {
            // The same key as NodePosition, computed in SQL.
            await ExecuteAsync(connection, transaction, """
                INSERT INTO merkle_tree (position, hash) SELECT ((((idx + 1) << level) - 1) << 6) | level, hash FROM merkle_nodes;
                DROP TABLE merkle_nodes;
                """, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {SchemaVersion}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<bool> HasTableAsync(SqliteConnection connection, SqliteTransaction transaction, string table, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = $t", cancellationToken, ("$t", table))) > 0;

    private static async Task<bool> HasColumnAsync(SqliteConnection connection, SqliteTransaction transaction, string table, string column, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, transaction, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $c", cancellationToken, ("$c", column))) > 0;

    public Task<LogPosition> AppendAsync(LogEntryDraft entry, CancellationToken cancellationToken) =>
        WriteAsync(write => write.Append(entry), cancellationToken);

    public Task<LogPosition> AppendManyAsync(IReadOnlyList<LogEntryDraft> entries, CancellationToken cancellationToken) =>
        AppendManyAsync(entries, entriesPerHead: 0, cancellationToken);

    /// <param name="entriesPerHead">
    /// Also sign a head whenever the tree size is a multiple of this (benchmarks): 1 is a lightly loaded live node, one
    /// head per commit of one message; a busy node's group commits sign one head per group. 0 signs only at the commit.
    /// </param>
    internal Task<LogPosition> AppendManyAsync(IReadOnlyList<LogEntryDraft> entries, int entriesPerHead, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        return WriteAsync(write =>
        {
            LogPosition position = null!;
            foreach (var entry in entries)
            {
                position = write.Append(entry);
                if (entriesPerHead > 0 && position.TreeSize % entriesPerHead == 0)
                {
                    write.SignTreeHead();
                }
            }

            return position;
        }, cancellationToken);
    }

    public async Task<InboundRecord?> FindInboundAsync(string partner, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, FindInboundSql, [("$p", partner), ("$m", Id(messageId))]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var record = ReadInbound(reader);
        if (record is not null && record.EntryIndex >= Volatile.Read(ref _durable).Size)
        {
            // The original receipt goes back to the partner: not before the entry it answers for is on disk.
            await DurableBarrierAsync(cancellationToken);
        }

        return record;
    }

    public Task<InboundCommit> CommitInboundAsync(LogEntryDraft entry, Guid messageId, byte[] payloadDigest, Func<LogPosition, byte[]> issueReceipt, CancellationToken cancellationToken)
    {
        // A duplicate is found by the entry's message id (FindInboundSql), which matches the text exactly: the entry
        // must carry the id as Id() writes it, or a retry would not find it.
        if (!string.Equals(entry.MessageId, Id(messageId), StringComparison.Ordinal))
        {
            throw new ArgumentException($"the entry's message id {entry.MessageId} is not {messageId}", nameof(entry));
        }

        return WriteAsync(write =>
        {
            // Inside the transaction: an earlier append of the same group is seen, so a duplicate in one group is still one entry.
            using (var reader = write.Statements.Get(FindInboundSql, ("$p", entry.Partner), ("$m", Id(messageId))).ExecuteReader())
            {
                if (ReadInbound(reader) is { } existing)
                {
                    return new InboundCommit(null, existing);
                }
            }

            var position = write.Append(entry);
            var receipt = issueReceipt(position);
            write.Statements.Execute(
                "INSERT INTO inbound_receipts (entry_idx, payload_digest, receipt) VALUES ($i, $d, $r)",
                ("$i", position.Index), ("$d", payloadDigest), ("$r", receipt));
            return new InboundCommit(position, new InboundRecord(payloadDigest, position.Index, receipt));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<LogEntry>> ListAsync(LogQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {EntryColumns} FROM log_entries
            WHERE idx >= $from AND ($dir IS NULL OR direction = $dir) AND ($partner IS NULL OR partner = $partner) AND ($verdict IS NULL OR verdict = $verdict)
            ORDER BY idx LIMIT $limit
            """;
        command.Parameters.AddWithValue("$from", query.FromIndex);
        command.Parameters.AddWithValue("$dir", (object?)query.Direction?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$partner", (object?)query.Partner?.ToUpperInvariant() ?? DBNull.Value);
        command.Parameters.AddWithValue("$verdict", (object?)query.Verdict?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", query.Limit);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<LogEntry>> FindByMessageIdAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntryColumns} FROM log_entries WHERE message_id = $m ORDER BY idx";
        command.Parameters.AddWithValue("$m", messageId.ToLowerInvariant());
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<SignedTreeHead?> LatestTreeHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tree_size, root, time, signature FROM tree_heads ORDER BY tree_size DESC LIMIT 1";
        SignedTreeHead? head;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            head = await reader.ReadAsync(cancellationToken) ? ReadHead(reader) : null;
        }

        if (head is not null && head.TreeSize > Volatile.Read(ref _durable).Size)
        {
            // A head is shown to partners, who hold us to it: never one that a power cut could still take back.
            await DurableBarrierAsync(cancellationToken);
        }

        return head;
    }

    // Outbox writes join the group commit too: a sending node otherwise paid two fsyncs of its own per message.
    public Task AddOutboxAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        WriteAsync(write =>
        {
            write.Statements.Execute("""
                INSERT INTO outbox (message_id, partner, document_type, conversation_id, created, payload, adapter_id, canonical_json, state, attempts, updated)
                VALUES ($m, $p, $t, $c, $created, $payload, $a, $json, $s, 0, $created)
                """,
                ("$m", Id(message.MessageId)), ("$p", message.Partner), ("$t", message.DocumentType), ("$c", message.ConversationId),
                ("$created", message.Created.ToUnixTimeMilliseconds()), ("$payload", message.Payload), ("$a", message.AdapterId),
                ("$json", message.CanonicalJson), ("$s", message.State.ToString()));
            return true;
        }, cancellationToken);

    public async Task<OutboxMessage?> GetOutboxAsync(Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM outbox WHERE message_id = $m";
        command.Parameters.AddWithValue("$m", Id(messageId));
        var list = await ReadOutboxAsync(command, cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(OutboxState? state, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM outbox WHERE $s IS NULL OR state = $s ORDER BY created";
        command.Parameters.AddWithValue("$s", (object?)state?.ToString() ?? DBNull.Value);
        return await ReadOutboxAsync(command, cancellationToken);
    }

    public Task<bool> TryBeginAttemptAsync(Guid messageId, int expectedAttempts, byte[] envelope, byte[] digest, DateTimeOffset time, CancellationToken cancellationToken) =>
        WriteAsync(write =>
        {
            // Only the job that expected this attempt number gets it: a duplicate job (start-up sweep, a resumed job) backs off.
            var claimed = write.Statements.Get("""
                UPDATE outbox SET attempts = attempts + 1, state = CASE WHEN state = 'Queued' THEN 'Sending' ELSE state END, updated = $t
                WHERE message_id = $m AND attempts = $a AND state IN ('Queued', 'Sending')
                """, ("$m", Id(messageId)), ("$a", expectedAttempts), ("$t", time.ToUnixTimeMilliseconds())).ExecuteNonQuery();
            if (claimed == 0)
            {
                return false;
            }

            write.Statements.Execute(
                "INSERT INTO outbox_attempts (message_id, attempt, digest, envelope, time) VALUES ($m, $a, $d, $e, $t)",
                ("$m", Id(messageId)), ("$a", expectedAttempts + 1), ("$d", digest), ("$e", envelope), ("$t", time.ToUnixTimeMilliseconds()));
            return true;
        }, cancellationToken);

    // Outbox state changes are commits like any other, so they go through the group commit and its flush.
    public Task<bool> RetryDeadAsync(Guid messageId, DateTimeOffset time, CancellationToken cancellationToken) =>
        WriteAsync(write => write.Statements.Get(
            "UPDATE outbox SET state = 'Queued', retry_base = attempts, last_error = NULL, updated = $t WHERE message_id = $m AND state = 'Dead'",
            ("$m", Id(messageId)), ("$t", time.ToUnixTimeMilliseconds())).ExecuteNonQuery() == 1, cancellationToken);

    public async Task<byte[]?> FindAttemptAsync(Guid messageId, byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, "SELECT envelope FROM outbox_attempts WHERE message_id = $m AND digest = $d",
            cancellationToken, ("$m", Id(messageId)), ("$d", digest)) as byte[];
    }

    public Task CompleteDeliveryAsync(Guid messageId, LogEntryDraft sent, LogEntryDraft receipt, Receipt parsed, CancellationToken cancellationToken) =>
        WriteAsync(write =>
        {
            var state = write.Statements.Scalar("SELECT state FROM outbox WHERE message_id = $m", ("$m", Id(messageId))) as string;
            if (state is nameof(OutboxState.Delivered) or nameof(OutboxState.Rejected))
            {
                return false; // a concurrent attempt already logged this delivery
            }

            write.Append(sent);
            write.Append(receipt);
            var newState = parsed.Status == Receipt.Accepted ? OutboxState.Delivered : OutboxState.Rejected;
            write.Statements.Execute(
                "UPDATE outbox SET state = $s, receipt = $r, last_error = $e, updated = $t WHERE message_id = $m",
                ("$m", Id(messageId)), ("$s", newState.ToString()), ("$r", JsonSerializer.Serialize(parsed)),
                ("$e", parsed.ReasonCode is null ? null : $"{parsed.ReasonCode} {parsed.RuleId} {parsed.Detail}".Trim()), ("$t", receipt.Time.ToUnixTimeMilliseconds()));
            return true;
        }, cancellationToken);

    public Task FailAttemptAsync(Guid messageId, string error, bool dead, DateTimeOffset time, CancellationToken cancellationToken) =>
        WriteAsync(write =>
        {
            write.Statements.Execute(
                "UPDATE outbox SET last_error = $e, state = CASE WHEN $dead THEN 'Dead' ELSE state END, updated = $t WHERE message_id = $m AND state NOT IN ('Delivered', 'Rejected')",
                ("$m", Id(messageId)), ("$e", error), ("$dead", dead), ("$t", time.ToUnixTimeMilliseconds()));
            return true;
        }, cancellationToken);

    public async IAsyncEnumerable<LogEntry> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int page = 5000;
        long from = 0;
        while (true)
        {
            var entries = await ListAsync(new LogQuery(from, page), cancellationToken);
            foreach (var entry in entries)
            {
                yield return entry;
            }

            if (entries.Count < page)
            {
                yield break;
            }

            from = entries[^1].Index + 1;
        }
    }

    public async IAsyncEnumerable<SignedTreeHead> ReadTreeHeadsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int page = 10_000;
        var after = -1L;
        while (true)
        {
            var heads = new List<SignedTreeHead>(page);
            await using (var connection = await OpenAsync(cancellationToken))
            await using (var command = Command(connection, null, "SELECT tree_size, root, time, signature FROM tree_heads WHERE tree_size > $after ORDER BY tree_size LIMIT $limit", [("$after", after), ("$limit", page)]))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    heads.Add(ReadHead(reader));
                }
            }

            foreach (var head in heads)
            {
                yield return head;
            }

            if (heads.Count < page)
            {
                yield break;
            }

            after = heads[^1].TreeSize;
        }
    }

    public async Task<IReadOnlyList<SignedTreeHead>> TreeHeadsAsync(CancellationToken cancellationToken)
    {
        var heads = new List<SignedTreeHead>();
        await foreach (var head in ReadTreeHeadsAsync(cancellationToken))
        {
            heads.Add(head);
        }

        return heads;
    }

    private static SignedTreeHead ReadHead(SqliteDataReader reader) =>
        new(reader.GetInt64(0), (byte[])reader[1], DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), (byte[])reader[3]);

    public async Task<IReadOnlyList<byte[]>> InclusionProofAsync(long leafIndex, long treeSize, CancellationToken cancellationToken)
    {
        var nodes = await LoadNodesAsync(MerkleProofs.NodesForInclusion(leafIndex, treeSize), cancellationToken);
        return MerkleProofs.Inclusion(leafIndex, treeSize, (level, index) => nodes[(level, index)]);
    }

    public async Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(long oldSize, long newSize, CancellationToken cancellationToken)
    {
        var nodes = await LoadNodesAsync(MerkleProofs.NodesForConsistency(oldSize, newSize), cancellationToken);
        return MerkleProofs.Consistency(oldSize, newSize, (level, index) => nodes[(level, index)]);
    }

    private async Task<Dictionary<(int, long), byte[]>> LoadNodesAsync(IReadOnlyCollection<(int Level, long Index)> positions, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var nodes = new Dictionary<(int, long), byte[]>();
        foreach (var (level, index) in positions)
        {
            nodes[(level, index)] = await ScalarAsync(connection, null, SelectNodeSql, cancellationToken, ("$p", NodePosition(level, index))) as byte[]
                ?? throw new InvalidDataException($"Merkle node ({level}, {index}) is missing from the log: run 'n2n audit verify'");
        }

        return nodes;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Appends already queued are still committed (a caller may be waiting on one), then the writer disposes its
        // connection rather than leave it to the finalizer. Dispose has no async form here, so it waits.
        _pending.Writer.TryComplete();
        _writerLoop?.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next group commit and returns once that commit is durable. Its appends and
    /// the group's signed tree head are committed together; if it throws, its own changes are rolled back (a savepoint)
    /// and the rest of the group commits.
    /// </summary>
    /// <remarks>
    /// <paramref name="work"/> is synchronous: Microsoft.Data.Sqlite runs its async methods synchronously, so on the
    /// writer's own loop their state machines bought nothing.
    /// </remarks>
    private async Task<T> WriteAsync<T>(Func<LogWrite, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        _syncFailure?.Throw();
        if (_writerLoop is null)
        {
            throw new InvalidOperationException($"the log at {path} is not open: call InitializeAsync first");
        }

        var pending = new PendingWrite<T>(work);
        if (!_pending.Writer.TryWrite(pending))
        {
            // The writer has stopped: disposed meanwhile, or (never expected) it failed, and then its error says why.
            _writerFailure?.Throw();
            throw new ObjectDisposedException(GetType().FullName);
        }

        // Once queued, the append runs whatever happens to this caller: the writer may already hold it, and an append
        // must never be half-done. So the wait is not cancellable.
        return await pending.Result;
    }

    /// <summary>
    /// The one writer, for the life of the store: each time appends wait, commits them (up to <see cref="MaxGroup"/>)
    /// as one group. Callers wait on their own results only.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
            {
                if (await CommitGroupAsync() is var (group, mark))
                {
                    // A pipeline of two: this group's flush runs while the next group's statements do, but a group waits
                    // for the flush before its own, so flushes never queue up and groups stay as large as they were.
                    await _lastFlush;
                    _lastFlush = Task.Run(() => ReleaseWhenDurable(group, mark), CancellationToken.None);
                }
            }
        }
        catch (Exception e)
        {
            // Not expected (a failed group fails its own callers in CommitGroupAsync), but a writer that died must not
            // leave appends waiting forever, nor accept more that nothing would commit.
            _writerFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            _pending.Writer.TryComplete(e);
            while (_pending.Reader.TryRead(out var waiting))
            {
                waiting.Fail(e);
            }
        }
        finally
        {
            await _lastFlush;
            CloseWriter();
        }
    }

    /// <summary>Commits the waiting appends (up to <see cref="MaxGroup"/>) in one transaction; null if it failed (each caller has heard why).</summary>
    private async Task<(List<PendingWrite>, CommitMark)?> CommitGroupAsync()
    {
        var group = new List<PendingWrite>();
        while (group.Count < MaxGroup && _pending.Reader.TryRead(out var next))
        {
            group.Add(next);
        }

        try
        {
            if (_writer is null)
            {
                _writer = await OpenAsync(CancellationToken.None);
                _statements = new StatementCache(_writer);
            }

            using var transaction = _writer.BeginTransaction();
            var statements = _statements!.Begin(transaction);
            var write = new LogWrite(treeHeads, statements, _frontier.Clone());
            foreach (var pending in group)
            {
                var before = write.Frontier.Clone();
                statements.Execute("SAVEPOINT append");
                try
                {
                    pending.Run(write);
                    statements.Execute("RELEASE append");
                }
                catch (Exception e)
                {
                    statements.Execute("ROLLBACK TO append");
                    statements.Execute("RELEASE append");
                    write.Frontier = before;
                    pending.Fail(e);
                }
            }

            // Every commit signs its tree head: the node is held to each size it ever reached, receipt or not.
            if (write.Frontier.Size != write.SignedSize && write.Frontier.Size > _frontier.Size)
            {
                write.SignTreeHead();
            }

            transaction.Commit();
            _frontier = write.Frontier;
            var mark = new CommitMark(_committed.Sequence + 1, _frontier.Size);
            Volatile.Write(ref _committed, mark);
            return (group, mark);
        }
        catch (Exception e)
        {
            // Nothing of the group is on disk: every caller still waiting hears why. The connection starts afresh.
            foreach (var pending in group)
            {
                pending.Fail(e);
            }

            CloseWriter();

            return null;
        }
    }

    /// <summary>Releases a committed group's results once a flush covers its commit; a failed flush fails them all.</summary>
    /// <remarks>Flushes run one at a time: each starts only after the one before it (see <see cref="WriteLoopAsync"/>).</remarks>
    private void ReleaseWhenDurable(List<PendingWrite> group, CommitMark mark)
    {
        try
        {
            Sync(mark);
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Fail(e);
            }

            return;
        }

        foreach (var pending in group)
        {
            pending.Succeed();
        }
    }

    /// <summary>Flushes the WAL unless an earlier flush already covered <paramref name="mark"/>.</summary>
    private void Sync(CommitMark mark)
    {
        if (Volatile.Read(ref _durable).Sequence >= mark.Sequence)
        {
            return;
        }

        _syncFailure?.Throw();
        // Read before the flush starts: every commit counted here has written its frames, so the flush covers it.
        var covered = Volatile.Read(ref _committed);
        try
        {
            FlushWal();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // After a failed fsync the kernel may have dropped the dirty pages: nothing more is promised until a restart.
            _syncFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(
                new IOException($"the log could not be flushed to disk ({e.Message}); the node accepts nothing more until it is restarted", e));
            _syncFailure.Throw();
        }

        Volatile.Write(ref _durable, covered);
    }

    /// <summary>Returns once everything committed so far is durable: an empty write joins the next group and waits for its flush.</summary>
    private Task DurableBarrierAsync(CancellationToken cancellationToken) => WriteAsync(static _ => true, cancellationToken);

    private void FlushWal()
    {
        try
        {
            // The WAL holds no locks of SQLite's (those are on the database and -shm files), so a handle of our own is safe.
            using var wal = new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            wal.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            // No WAL: the last connection closed and SQLite checkpointed it into the database file, which it synced.
        }
    }

    private void CloseWriter()
    {
        _statements?.Dispose();
        _writer?.Dispose();
        (_statements, _writer) = (null, null);
    }

    /// <summary>How far the log had got at a commit: the commit's number, and the tree size it left.</summary>
    private sealed record CommitMark(long Sequence, long Size);

    /// <summary>One queued append and the caller waiting for its commit.</summary>
    private abstract class PendingWrite
    {
        public abstract void Run(LogWrite write);

        public abstract void Succeed();

        public abstract void Fail(Exception error);
    }

    private sealed class PendingWrite<T>(Func<LogWrite, T> work) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _result.Task;

        public override void Run(LogWrite write) => _value = work(write);

        // A result is released only after the commit's flush: a receipt must never leave for an entry that is not on disk.
        // One whose own work failed (rolled back to its savepoint) is already faulted, and stays so.
        public override void Succeed() => _result.TrySetResult(_value!);

        public override void Fail(Exception error) => _result.TrySetException(error);
    }

    /// <summary>The open transaction of a group commit, with the tree as the group has extended it so far.</summary>
    private sealed class LogWrite(TreeHeadSigner treeHeads, StatementCache statements, MerkleFrontier frontier)
    {
        private DateTimeOffset _latest = DateTimeOffset.MinValue;

        public StatementCache Statements => statements;

        public MerkleFrontier Frontier { get; set; } = frontier;

        /// <summary>The size of the last head signed in this group (-1: none yet).</summary>
        public long SignedSize { get; private set; } = -1;

        public LogPosition Append(LogEntryDraft entry)
        {
            var index = Frontier.Size;
            var canonicalHash = LogEntry.HashCanonical(entry.CanonicalJson);
            var rawHash = System.Security.Cryptography.SHA256.HashData(entry.Raw);
            var leaf = MerkleTree.LeafHash(LogEntry.Encode(index, entry, rawHash, canonicalHash));
            statements.Execute(InsertEntrySql,
                ("$idx", index), ("$time", entry.Time.ToUnixTimeMilliseconds()), ("$dir", entry.Direction.ToString()), ("$partner", entry.Partner),
                ("$mid", entry.MessageId?.ToLowerInvariant()), ("$rel", entry.RelatedMessageId?.ToLowerInvariant()), ("$type", entry.DocumentType),
                ("$transport", entry.Transport), ("$raw", entry.Raw), ("$verdict", entry.Verdict.ToString()), ("$reason", entry.ReasonCode),
                ("$detail", entry.ReasonDetail), ("$adapter", entry.AdapterId), ("$json", entry.CanonicalJson), ("$chash", canonicalHash), ("$leaf", leaf),
                ("$rawhash", rawHash));
            foreach (var node in Frontier.Append(leaf))
            {
                statements.Execute("INSERT INTO merkle_tree (position, hash) VALUES ($p, $h)", ("$p", NodePosition(node.Level, node.Index)), ("$h", node.Hash));
            }

            _latest = entry.Time > _latest ? entry.Time : _latest;
            return new LogPosition(index, Frontier.Size, Frontier.Root());
        }

        /// <summary>Signs and stores the head of the tree as it stands, timed by the latest entry appended in this group.</summary>
        public void SignTreeHead()
        {
            var head = treeHeads.Sign(Frontier.Size, Frontier.Root(), _latest);
            statements.Execute(
                "INSERT OR REPLACE INTO tree_heads (tree_size, root, time, signature) VALUES ($s, $r, $t, $sig)",
                ("$s", head.TreeSize), ("$r", head.RootHash), ("$t", head.Time.ToUnixTimeMilliseconds()), ("$sig", head.Signature));
            SignedSize = Frontier.Size;
        }
    }

    // Receipts are keyed by their entry, so a group appends them to the same few pages. Until schema version 4 they were
    // keyed by (partner, message id): a random page of their own per message, plus an overflow page for the receipt, two
    // of the five or so WAL pages an exchange wrote. The message id is now found through the log's own index, and at
    // most one receipt per partner and message id is kept by the dedupe check in CommitInboundAsync, which runs inside
    // the one writer's transaction.
    private const string FindInboundSql = """
        SELECT r.payload_digest, r.entry_idx, r.receipt FROM log_entries e JOIN inbound_receipts r ON r.entry_idx = e.idx
        WHERE e.message_id = $m AND e.partner = $p
        """;

    private const string InsertEntrySql = $"""
        INSERT INTO log_entries ({EntryColumns})
        VALUES ($idx, $time, $dir, $partner, $mid, $rel, $type, $transport, $raw, $verdict, $reason, $detail, $adapter, $json, $chash, $leaf, $rawhash)
        """;

    private static InboundRecord? ReadInbound(SqliteDataReader reader) =>
        reader.Read() ? new InboundRecord((byte[])reader[0], reader.GetInt64(1), (byte[])reader[2]) : null;

    private static async Task<IReadOnlyList<LogEntry>> ReadEntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<LogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var draft = new LogEntryDraft
            {
                Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                Direction = Enum.Parse<Direction>(reader.GetString(2)),
                Partner = reader.GetString(3),
                MessageId = NullableString(reader, 4),
                RelatedMessageId = NullableString(reader, 5),
                DocumentType = NullableString(reader, 6),
                Transport = reader.GetString(7),
                Raw = (byte[])reader[8],
                Verdict = Enum.Parse<Verdict>(reader.GetString(9)),
                ReasonCode = NullableString(reader, 10),
                ReasonDetail = NullableString(reader, 11),
                AdapterId = NullableString(reader, 12),
                CanonicalJson = reader.IsDBNull(13) ? null : (byte[])reader[13],
            };
            entries.Add(new LogEntry(reader.GetInt64(0), draft, (byte[])reader[14], (byte[])reader[15], (byte[])reader[16]));
        }

        return entries;
    }

    private static async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var receipt = reader["receipt"] as string;
            list.Add(new OutboxMessage
            {
                MessageId = Guid.Parse((string)reader["message_id"]),
                Partner = (string)reader["partner"],
                DocumentType = (string)reader["document_type"],
                ConversationId = (string)reader["conversation_id"],
                Created = DateTimeOffset.FromUnixTimeMilliseconds((long)reader["created"]),
                Payload = (byte[])reader["payload"],
                AdapterId = (string)reader["adapter_id"],
                CanonicalJson = (byte[])reader["canonical_json"],
                State = Enum.Parse<OutboxState>((string)reader["state"]),
                Attempts = Convert.ToInt32(reader["attempts"]),
                RetryBase = Convert.ToInt32(reader["retry_base"]),
                LastError = reader["last_error"] as string,
                Updated = DateTimeOffset.FromUnixTimeMilliseconds((long)reader["updated"]),
                Receipt = receipt is null ? null : JsonSerializer.Deserialize<Receipt>(receipt),
            });
        }

        return list;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Settings belong to the physical connection, which the pool reuses: set them once, not at every open.
        if (!s_configured.TryGetValue(connection.Handle!, out _))
        {
            // NORMAL: SQLite syncs around checkpoints; each commit's WAL is flushed by the store itself (see _walPath).
            // temp_store=MEMORY: each append's savepoint journals the pages it changes; on disk that journal was a temp
            // file per group in /var/tmp, 15 KB written per exchange (strace), nothing of which needs to outlive the group.
            await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", cancellationToken);
            s_configured.AddOrUpdate(connection.Handle!, s_configuredMarker);
        }

        return connection;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string Id(Guid id) => id.ToString("D");
}
