using System.Security.Cryptography;
using N2N.Node.Log;

namespace N2N.ConformanceTests.Log;

[TestClass]
public sealed class MerkleTreeTests
{
    /// <summary>RFC 9162 section 2.1.1, computed the slow, obvious way over every leaf.</summary>
    private static byte[] NaiveRoot(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return SHA256.HashData([]);
        }

        if (leaves.Count == 1)
        {
            return SHA256.HashData([0x00, .. leaves[0]]);
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. NaiveRoot(leaves.Take(k).ToList()), .. NaiveRoot(leaves.Skip(k).ToList())]);
    }

    private static List<byte[]> Leaves(int n) => Enumerable.Range(0, n).Select(i => BitConverter.GetBytes(i * 7919)).ToList();

    [TestMethod]
    public void Root_Sizes1To64And1000And1025_EqualsNaiveRfc9162Computation()
    {
        var data = Leaves(1025);
        var frontier = new MerkleFrontier();
        for (var n = 1; n <= data.Count; n++)
        {
            frontier.Append(MerkleTree.LeafHash(data[n - 1]));
            if (n <= 64 || n is 1000 or 1025)
            {
                CollectionAssert.AreEqual(NaiveRoot(data.Take(n).ToList()), frontier.Root(), $"size {n}");
            }
        }
    }

    [TestMethod]
    public void Root_EmptyTree_IsHashOfEmptyString()
    {
        CollectionAssert.AreEqual(Convert.FromHexString("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"), new MerkleFrontier().Root());
    }

    [TestMethod]
    public void Restore_FromStoredCompleteSubtrees_GivesSameRootAndContinues()
    {
        var data = Leaves(77);
        var original = new MerkleFrontier();
        var stored = new Dictionary<(int, long), byte[]>();
        foreach (var leaf in data.Take(45))
        {
            foreach (var node in original.Append(MerkleTree.LeafHash(leaf)))
            {
                stored[(node.Level, node.Index)] = node.Hash;
            }
        }

        var restored = MerkleFrontier.Restore(45, (level, index) => stored[(level, index)]);
        CollectionAssert.AreEqual(original.Root(), restored.Root());
        foreach (var leaf in data.Skip(45))
        {
            restored.Append(MerkleTree.LeafHash(leaf));
        }

        CollectionAssert.AreEqual(NaiveRoot(data), restored.Root());
    }
}
