using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace N2N.Node.Log;

/// <summary>Which way a logged message travelled.</summary>
public enum Direction
{
    /// <summary>Received from a partner.</summary>
    In,
    /// <summary>Sent to a partner.</summary>
    Out,
}

/// <summary>The verdict recorded for a logged message.</summary>
public enum Verdict
{
    Accepted,
    Rejected,
}

/// <summary>What is appended to the log; the store assigns index and leaf hash.</summary>
public sealed record LogEntryDraft
{
    public required DateTimeOffset Time { get; init; }
    public required Direction Direction { get; init; }
    public required string Partner { get; init; }
    public string? MessageId { get; init; }
    /// <summary>For receipts: the message they answer.</summary>
    public string? RelatedMessageId { get; init; }
    public string? DocumentType { get; init; }
    public required string Transport { get; init; }
    /// <summary>The exact bytes as received or sent (capped for oversize rejected input).</summary>
    public required byte[] Raw { get; init; }
    public required Verdict Verdict { get; init; }
    public string? ReasonCode { get; init; }
    public string? ReasonDetail { get; init; }
    public string? AdapterId { get; init; }
    /// <summary>RFC 8785 canonical JSON of the translated document.</summary>
    public byte[]? CanonicalJson { get; init; }
}

/// <summary>A stored log entry.</summary>
/// <param name="RawHash">SHA-256 of the raw bytes as stored at append time, so an audit can tell edited bytes from edited metadata.</param>
public sealed record LogEntry(long Index, LogEntryDraft Draft, byte[] CanonicalHash, byte[] LeafHash, byte[] RawHash)
{
    /// <summary>
    /// The bytes a leaf hashes (version 1): "n2n-log-entry/1", then big-endian int64 index and unix-ms time, then
    /// each of direction, partner, message id, related message id, document type, transport, verdict, reason code,
    /// reason detail, adapter id as a uint32 length + UTF-8 (absent = length 0xFFFFFFFF), then the 32-byte SHA-256 of
    /// the raw bytes, the uint32 raw length, and the 32-byte canonical hash (zeros when there is none).
    /// Changing any of these fields changes the leaf, so audit verify names the edited entry.
    /// </summary>
    public static byte[] Encode(long index, LogEntryDraft e, ReadOnlySpan<byte> canonicalHash) =>
        Encode(index, e, SHA256.HashData(e.Raw), canonicalHash);

    /// <summary>As <see cref="Encode(long, LogEntryDraft, ReadOnlySpan{byte})"/>, with the raw bytes' SHA-256 already computed (audits hash each entry once).</summary>
    public static byte[] Encode(long index, LogEntryDraft e, ReadOnlySpan<byte> rawHash, ReadOnlySpan<byte> canonicalHash)
    {
        using var stream = new MemoryStream(256);
        stream.Write("n2n-log-entry/1"u8);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, index);
        stream.Write(number);
        BinaryPrimitives.WriteInt64BigEndian(number, e.Time.ToUnixTimeMilliseconds());
        stream.Write(number);
        foreach (var field in new[]
                 {
                     e.Direction.ToString(), e.Partner, e.MessageId, e.RelatedMessageId, e.DocumentType, e.Transport,
                     e.Verdict.ToString(), e.ReasonCode, e.ReasonDetail, e.AdapterId,
                 })
        {
            WriteString(stream, field);
        }

        stream.Write(rawHash);
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)e.Raw.Length);
        stream.Write(number[..4]);
        stream.Write(canonicalHash.Length == 32 ? canonicalHash : new byte[32]);
        return stream.ToArray();
    }

    /// <summary>The fields of an encoded entry a partner checks against its receipt.</summary>
    public sealed record Decoded(long Index, string? MessageId, string Partner, string? Verdict, byte[] RawHash);

    /// <summary>Reads back what a partner needs from an entry encoding: index, message id, partner, verdict and raw digest.</summary>
    /// <exception cref="FormatException">Not a version 1 entry encoding.</exception>
    public static Decoded Decode(ReadOnlySpan<byte> encoding)
    {
        var prefix = "n2n-log-entry/1"u8;
        if (!encoding.StartsWith(prefix))
        {
            throw new FormatException("not an n2n-log-entry/1 encoding");
        }

        var at = prefix.Length;
        var index = BinaryPrimitives.ReadInt64BigEndian(encoding[at..]);
        at += 16;
        var fields = new string?[10];
        for (var i = 0; i < fields.Length; i++)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(encoding[at..]);
            at += 4;
            if (length != uint.MaxValue)
            {
                fields[i] = Encoding.UTF8.GetString(encoding.Slice(at, (int)length));
                at += (int)length;
            }
        }

        return new Decoded(index, fields[2], fields[1]!, fields[6], encoding.Slice(at, 32).ToArray());
    }

    public static byte[] HashCanonical(byte[]? canonicalJson) => canonicalJson is null ? [] : SHA256.HashData(canonicalJson);

    private static void WriteString(Stream stream, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(length, uint.MaxValue);
            stream.Write(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }
}

/// <summary>Where an append landed: the entry's index and the tree after it.</summary>
public sealed record LogPosition(long Index, long TreeSize, byte[] RootHash);

/// <summary>A signed statement of the tree's size and root at a time.</summary>
public sealed record SignedTreeHead(long TreeSize, byte[] RootHash, DateTimeOffset Time, byte[] Signature)
{
    /// <summary>The signed bytes: "n2n-sth/1", big-endian int64 size, 32-byte root, big-endian int64 unix-ms time.</summary>
    public static byte[] Encode(long treeSize, ReadOnlySpan<byte> root, DateTimeOffset time)
    {
        var buffer = new byte[9 + 8 + 32 + 8];
        "n2n-sth/1"u8.CopyTo(buffer);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(9), treeSize);
        root.CopyTo(buffer.AsSpan(17));
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(49), time.ToUnixTimeMilliseconds());
        return buffer;
    }
}
