using System.Security.Cryptography;

namespace N2N.Node.Log;

/// <summary>RFC 9162 Merkle tree hashing: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right).</summary>
public static class MerkleTree
{
    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        // One-shot hashing of a prefixed copy: audits hash millions of leaves, and an IncrementalHash per leaf costs more than the copy.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(data.Length + 1);
        try
        {
            buffer[0] = 0x00;
            data.CopyTo(buffer.AsSpan(1));
            return SHA256.HashData(buffer.AsSpan(0, data.Length + 1));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot => SHA256.HashData(ReadOnlySpan<byte>.Empty);
}

/// <summary>A complete subtree: level 0 is a leaf; level l, index i covers leaves [i·2^l, (i+1)·2^l).</summary>
public readonly record struct MerkleNode(int Level, long Index, byte[] Hash);

/// <summary>
/// The right edge of an append-only tree: one perfect subtree per set bit of the size, so an append costs
/// O(log n) hashes and the root needs no leaf reads. The nodes each append completes are returned for storage,
/// so inclusion and consistency proofs can later be built from stored interior hashes.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<MerkleNode> _peaks = [];

    public long Size { get; private set; }

    /// <summary>The (level, index) of the perfect subtrees that make up a tree of <paramref name="size"/> leaves, left to right.</summary>
    public static IReadOnlyList<(int Level, long Index)> PeakPositions(long size)
    {
        var peaks = new List<(int, long)>();
        long offset = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
            {
                peaks.Add((level, offset >> level));
                offset += 1L << level;
            }
        }

        return peaks;
    }

    /// <summary>Rebuilds the frontier of a tree of <paramref name="size"/> leaves from its stored peaks.</summary>
    public static MerkleFrontier Restore(long size, Func<int, long, byte[]> loadNode)
    {
        var frontier = new MerkleFrontier { Size = size };
        foreach (var (level, index) in PeakPositions(size))
        {
            frontier._peaks.Add(new MerkleNode(level, index, loadNode(level, index)));
        }

        return frontier;
    }

    /// <summary>Appends a leaf hash; returns the leaf node and every subtree it completes.</summary>
    public IReadOnlyList<MerkleNode> Append(byte[] leafHash)
    {
        var created = new List<MerkleNode> { new(0, Size, leafHash) };
        var current = created[0];
        while (_peaks.Count > 0 && _peaks[^1].Level == current.Level)
        {
            var left = _peaks[^1];
            _peaks.RemoveAt(_peaks.Count - 1);
            current = new MerkleNode(current.Level + 1, left.Index >> 1, MerkleTree.NodeHash(left.Hash, current.Hash));
            created.Add(current);
        }

        _peaks.Add(current);
        Size++;
        return created;
    }

    /// <summary>The RFC 9162 root: peaks folded from the right.</summary>
    public byte[] Root()
    {
        if (_peaks.Count == 0)
        {
            return MerkleTree.EmptyRoot;
        }

        var root = _peaks[^1].Hash;
        for (var i = _peaks.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.NodeHash(_peaks[i].Hash, root);
        }

        return root;
    }

    /// <summary>A copy, so a transaction can append tentatively and be thrown away on rollback.</summary>
    public MerkleFrontier Clone()
    {
        var copy = new MerkleFrontier { Size = Size };
        copy._peaks.AddRange(_peaks);
        return copy;
    }
}
