using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace N2N.Node.Bench;

/// <summary>
/// The cheapest durable log there is, for the bench's floor: each entry (the raw envelope, its canonical JSON and the
/// SHA-256 of both) appended to one file, and one flush to disk for every group of appends waiting at the time.
/// It has no index, tree, tree heads or duplicate check, so it costs less than any log the node could keep.
/// </summary>
internal sealed class FloorLog : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly Channel<(byte[] Record, TaskCompletionSource Durable)> _queue =
        Channel.CreateUnbounded<(byte[], TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _entries;
    private long _flushes;

    public FloorLog(string path)
    {
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Entries flushed so far, and the flushes that did it: how large the groups were.</summary>
    public (long Entries, long Flushes) Written => (Interlocked.Read(ref _entries), Interlocked.Read(ref _flushes));

    /// <summary>Completes once the entry is on disk.</summary>
    public Task AppendAsync(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> canonicalJson)
    {
        // Two lengths, the hash, then the bytes it covers.
        var record = new byte[8 + SHA256.HashSizeInBytes + raw.Length + canonicalJson.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, raw.Length);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), canonicalJson.Length);
        var body = record.AsSpan(8 + SHA256.HashSizeInBytes);
        raw.CopyTo(body);
        canonicalJson.CopyTo(body[raw.Length..]);
        SHA256.HashData(body, record.AsSpan(8, SHA256.HashSizeInBytes));
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite((record, durable)) ? durable.Task : Task.FromException(new ObjectDisposedException(nameof(FloorLog)));
    }

    private async Task WriteAsync()
    {
        var group = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                while (_queue.Reader.TryRead(out var entry))
                {
                    group.Add(entry.Durable);
                    _file.Write(entry.Record);
                }

                _file.Flush(flushToDisk: true);
                Interlocked.Add(ref _entries, group.Count);
                Interlocked.Increment(ref _flushes);
                group.ForEach(durable => durable.SetResult());
            }
            catch (Exception e)
            {
                group.ForEach(durable => durable.TrySetException(e));
            }

            group.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.Complete();
        await _writer;
        await _file.DisposeAsync();
    }
}
