namespace N2N.Node.Log;

/// <summary>
/// RFC 9162 inclusion and consistency proofs, built from stored complete subtrees (never from all the leaves), and
/// their verification as a partner or auditor runs it.
/// </summary>
/// <remarks>
/// Every subtree hash a proof needs is MTH(D[a:b]). In the RFC's recursion the left part D[a:a+k] of any range is
/// always a complete, aligned subtree, so it is one stored node; only right edges are folded, O(log n) of them.
/// Building a proof is therefore O(log² n) node lookups at worst, independent of the number of leaves.
/// </remarks>
public static class MerkleProofs
{
    /// <summary>The complete-subtree nodes a proof will read, so a store can fetch them in one query.</summary>
    public static IReadOnlyCollection<(int Level, long Index)> NodesForInclusion(long leafIndex, long treeSize) =>
        Record(lookup => Inclusion(leafIndex, treeSize, lookup));

    public static IReadOnlyCollection<(int Level, long Index)> NodesForConsistency(long oldSize, long newSize) =>
        Record(lookup => Consistency(oldSize, newSize, lookup));

    /// <summary>PATH(m, D[0:n]) of RFC 9162 section 2.1.3.1, leaf-side first.</summary>
    public static List<byte[]> Inclusion(long leafIndex, long treeSize, Func<int, long, byte[]> node)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), $"leaf {leafIndex} is not in a tree of size {treeSize}");
        }

        var path = new List<byte[]>();
        Path(leafIndex, 0, treeSize, node, path);
        return path;
    }

    /// <summary>PROOF(m, D[0:n]) of RFC 9162 section 2.1.4.1.</summary>
    public static List<byte[]> Consistency(long oldSize, long newSize, Func<int, long, byte[]> node)
    {
        if (oldSize < 1 || oldSize > newSize)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), $"no consistency proof from size {oldSize} to {newSize}");
        }

        var proof = new List<byte[]>();
        if (oldSize < newSize)
        {
            SubProof(oldSize, 0, newSize, true, node, proof);
        }

        return proof;
    }

    /// <summary>MTH(D[start:end]) from stored complete subtrees.</summary>
    public static byte[] SubtreeHash(long start, long end, Func<int, long, byte[]> node)
    {
        var size = end - start;
        if (size > 0 && (size & (size - 1)) == 0 && start % size == 0)
        {
            return node(Log2(size), start / size);
        }

        var k = LargestPowerOfTwoBelow(size);
        return MerkleTree.NodeHash(SubtreeHash(start, start + k, node), SubtreeHash(start + k, end, node));
    }

    /// <summary>RFC 9162 section 2.1.3.2: does this path lead from the leaf to the root?</summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return false;
        }

        long fn = leafIndex, sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = MerkleTree.NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162 section 2.1.4.2: is the tree of <paramref name="newSize"/> an append-only extension of the old one?</summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        if (oldSize < 1 || oldSize > newSize)
        {
            return false;
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof);
        if ((oldSize & (oldSize - 1)) == 0)
        {
            path.Insert(0, oldRoot.ToArray());
        }

        long fn = oldSize - 1, sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = path[0], sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            if (sn == 0)
            {
                return false;
            }

            var c = path[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleTree.NodeHash(c, fr);
                sr = MerkleTree.NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = MerkleTree.NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(oldRoot) && sr.AsSpan().SequenceEqual(newRoot);
    }

    private static void Path(long m, long start, long end, Func<int, long, byte[]> node, List<byte[]> path)
    {
        var n = end - start;
        if (n <= 1)
        {
            return;
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(m, start, start + k, node, path);
            path.Add(SubtreeHash(start + k, end, node));
        }
        else
        {
            Path(m - k, start + k, end, node, path);
            path.Add(SubtreeHash(start, start + k, node));
        }
    }

    private static void SubProof(long m, long start, long end, bool complete, Func<int, long, byte[]> node, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(start, end, node));
            }

            return;
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, complete, node, proof);
            proof.Add(SubtreeHash(start + k, end, node));
        }
        else
        {
            SubProof(m - k, start + k, end, false, node, proof);
            proof.Add(SubtreeHash(start, start + k, node));
        }
    }

    private static IReadOnlyCollection<(int, long)> Record(Action<Func<int, long, byte[]>> build)
    {
        var needed = new HashSet<(int, long)>();
        var placeholder = new byte[32];
        build((level, index) =>
        {
            needed.Add((level, index));
            return placeholder;
        });
        return needed;
    }

    /// <summary>The largest power of two strictly less than n (n ≥ 2), the RFC's split point k.</summary>
    private static long LargestPowerOfTwoBelow(long n)
    {
        long k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    private static int Log2(long powerOfTwo) => (int)long.Log2(powerOfTwo);
}
