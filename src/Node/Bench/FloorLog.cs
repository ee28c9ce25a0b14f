using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace N2N.Node.Bench;

/// <summary>
/// The cheapest durable logs there are, for the bench's floors: each entry (the raw envelope, its canonical JSON and the
/// SHA-256 of both) appended once to its log, and one flush to disk for every group of appends waiting at the time. They have no
/// index, tree, tree heads, stored receipts or duplicate check, so they cost less than any log the node could keep:
/// <see cref="ToFile"/> in a plain file, <see cref="ToSqlite"/> in SQLite, the node's embedded store.
/// </summary>
internal abstract class FloorLog : IAsyncDisposable
{
    private readonly Channel<(FloorRecord Record, TaskCompletionSource Durable)> _queue =
        Channel.CreateUnbounded<(FloorRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _writer;
    private Exception? _failure;
    private long _entries;
    private long _flushes;

    /// <summary>A log appending to a new plain file at <paramref name="path"/>: lengths, hash and bytes, one record after another.</summary>
    public static FloorLog ToFile(string path) => new FileFloorLog(path).Start();

    /// <summary>
    /// A log in a new SQLite database at <paramref name="path"/>: one table, one prepared INSERT per entry, one
    /// transaction per group, committed in WAL mode with synchronous=FULL (the WAL synced at every commit).
    /// </summary>
    public static FloorLog ToSqlite(string path) => new SqliteFloorLog(path).Start();

    /// <summary>Entries flushed so far, and the flushes that did it: how large the groups were.</summary>
    public (long Entries, long Flushes) Written => (Interlocked.Read(ref _entries), Interlocked.Read(ref _flushes));

    /// <summary>Completes once the entry is on disk.</summary>
    public Task AppendAsync(byte[] raw, byte[] canonicalJson)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(raw);
        hash.AppendData(canonicalJson);
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite((new FloorRecord(raw, canonicalJson, hash.GetHashAndReset()), durable))
            ? durable.Task
            : Task.FromException(Volatile.Read(ref _failure) ?? new ObjectDisposedException(nameof(FloorLog)));
    }

    /// <summary>Writes <paramref name="group"/> and returns once all of it is on disk.</summary>
    protected abstract void WriteDurably(IReadOnlyList<FloorRecord> group);

    protected abstract ValueTask CloseAsync();

    // Not in the constructor: the writer must not run before the subclass's constructor has opened its file.
    private FloorLog Start()
    {
        _writer = Task.Run(WriteAsync);
        return this;
    }

    private async Task WriteAsync()
    {
        var (records, waiting) = (new List<FloorRecord>(), new List<TaskCompletionSource>());
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                while (_queue.Reader.TryRead(out var entry))
                {
                    records.Add(entry.Record);
                    waiting.Add(entry.Durable);
                }

                WriteDurably(records);
                Interlocked.Add(ref _entries, records.Count);
                Interlocked.Increment(ref _flushes);
                waiting.ForEach(durable => durable.SetResult());
            }
            catch (Exception e)
            {
                // Fail-stop: part of the group may still sit in a buffer and reach the disk with a later one, so
                // nothing more is written, and whatever waits or comes later hears why.
                Volatile.Write(ref _failure, e);
                _queue.Writer.TryComplete();
                waiting.ForEach(durable => durable.TrySetException(e));
                while (_queue.Reader.TryRead(out var queued))
                {
                    queued.Durable.TrySetException(e);
                }

                return;
            }

            records.Clear();
            waiting.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer!;
        await CloseAsync();
    }

    /// <summary>One entry: the envelope, its canonical JSON, and the SHA-256 of the two together.</summary>
    protected sealed record FloorRecord(byte[] Raw, byte[] CanonicalJson, byte[] Hash);

    private sealed class FileFloorLog(string path) : FloorLog
    {
        private readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);

        protected override void WriteDurably(IReadOnlyList<FloorRecord> group)
        {
            Span<byte> lengths = stackalloc byte[8];
            foreach (var record in group)
            {
                // Two lengths, the hash, then the bytes it covers.
                BinaryPrimitives.WriteInt32LittleEndian(lengths, record.Raw.Length);
                BinaryPrimitives.WriteInt32LittleEndian(lengths[4..], record.CanonicalJson.Length);
                _file.Write(lengths);
                _file.Write(record.Hash);
                _file.Write(record.Raw);
                _file.Write(record.CanonicalJson);
            }

            _file.Flush(flushToDisk: true);
        }

        protected override ValueTask CloseAsync() => _file.DisposeAsync();
    }

    private sealed class SqliteFloorLog : FloorLog
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;

        public SqliteFloorLog(string path)
        {
            if (File.Exists(path))
            {
                throw new IOException($"{path} already exists: a floor log starts empty");
            }

            // No pooling: the connection is the log's alone, and closing it must release the file.
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            try
            {
                _connection.Open();
                using (var setup = _connection.CreateCommand())
                {
                    setup.CommandText = """
                        PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                        CREATE TABLE entries (raw BLOB NOT NULL, canonical_json BLOB NOT NULL, hash BLOB NOT NULL);
                        """;
                    setup.ExecuteNonQuery();
                }

                _insert = _connection.CreateCommand();
                _insert.CommandText = "INSERT INTO entries (raw, canonical_json, hash) VALUES ($raw, $json, $hash)";
                foreach (var name in new[] { "$raw", "$json", "$hash" })
                {
                    _insert.Parameters.Add(name, SqliteType.Blob);
                }

                _insert.Prepare();
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
        }

        protected override void WriteDurably(IReadOnlyList<FloorRecord> group)
        {
            using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            foreach (var record in group)
            {
                (_insert.Parameters[0].Value, _insert.Parameters[1].Value, _insert.Parameters[2].Value) = (record.Raw, record.CanonicalJson, record.Hash);
                _insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        protected override async ValueTask CloseAsync()
        {
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
