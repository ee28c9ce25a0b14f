using System.Security.Cryptography;
using System.Text;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Audit;

/// <summary>Proofs from the SQLite store's stored interior nodes against RFC 9162's definitions computed naively from all leaves.</summary>
[TestClass]
public sealed class MerkleProofsTests
{
    private static SqliteExchangeStore s_store = null!;
    private static List<byte[]> s_leaves = null!;

    [ClassInitialize]
    public static async Task BuildLogAsync(TestContext context)
    {
        s_store = new SqliteExchangeStore(Path.Combine(Directory.CreateTempSubdirectory("n2n-proofs-").FullName, "n2n.db"), new TreeHeadSigner(Hosting.TestKeys.NewCredential()));
        await s_store.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < 1030; i++)
        {
            await s_store.AppendAsync(new LogEntryDraft
            {
                Time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000 + i), Direction = Direction.In, Partner = "KR",
                Transport = "grpc", Raw = Encoding.UTF8.GetBytes($"entry {i}"), Verdict = Verdict.Accepted,
            }, CancellationToken.None);
        }

        s_leaves = [.. (await s_store.ListAsync(new LogQuery(0, 2000), CancellationToken.None)).Select(e => e.LeafHash)];
    }

    [ClassCleanup]
    public static void Dispose() => s_store.Dispose();

    // RFC 9162 section 2.1.1, 2.1.3.1 and 2.1.4.1, written straight from the definitions over the leaf hashes.
    private static byte[] Mth(List<byte[]> leaves, int start, int end)
    {
        if (end - start == 1)
        {
            return leaves[start];
        }

        var k = 1;
        while (k * 2 < end - start)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. Mth(leaves, start, start + k), .. Mth(leaves, start + k, end)]);
    }

    private static List<byte[]> NaivePath(int m, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return [];
        }

        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return m < k
            ? [.. NaivePath(m, start, start + k), Mth(s_leaves, start + k, end)]
            : [.. NaivePath(m - k, start + k, end), Mth(s_leaves, start, start + k)];
    }

    private static List<byte[]> NaiveSubProof(int m, int start, int end, bool b)
    {
        var n = end - start;
        if (m == n)
        {
            return b ? [] : [Mth(s_leaves, start, end)];
        }

        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return m <= k
            ? [.. NaiveSubProof(m, start, start + k, b), Mth(s_leaves, start + k, end)]
            : [.. NaiveSubProof(m - k, start + k, end, false), Mth(s_leaves, start, start + k)];
    }

    private static readonly int[] s_largerSizes = [100, 127, 128, 129, 257, 1000, 1030];

    [TestMethod]
    public async Task Inclusion_EveryLeafOfSizes1To64AndSomeLarger_EqualsNaiveAndVerifies()
    {
        foreach (var n in Enumerable.Range(1, 64).Concat(s_largerSizes))
        {
            var root = Mth(s_leaves, 0, n);
            var leaves = n <= 64 ? Enumerable.Range(0, n) : new[] { 0, 1, n / 2, n - 2, n - 1 };
            foreach (var m in leaves)
            {
                var proof = await s_store.InclusionProofAsync(m, n, CancellationToken.None);
                CollectionAssert.AreEqual(NaivePath(m, 0, n).Select(Convert.ToHexString).ToList(), proof.Select(Convert.ToHexString).ToList(), $"PATH({m}, {n})");
                Assert.IsTrue(MerkleProofs.VerifyInclusion(m, n, s_leaves[m], proof, root), $"verify PATH({m}, {n})");
                if (n > 1)
                {
                    Assert.IsFalse(MerkleProofs.VerifyInclusion(m, n, s_leaves[(m + 1) % n], proof, root), $"a wrong leaf must not verify ({m}, {n})");
                }
            }
        }
    }

    [TestMethod]
    public async Task Consistency_AllPairsUpTo64AndSomeLarger_EqualsNaiveAndVerifies()
    {
        var pairs = from b in Enumerable.Range(1, 64) from a in Enumerable.Range(1, b) select (a, b);
        pairs = pairs.Concat(s_largerSizes.SelectMany(b => new[] { (1, b), (b / 3, b), (b - 1, b), (64, b) }));
        foreach (var (a, b) in pairs)
        {
            var proof = await s_store.ConsistencyProofAsync(a, b, CancellationToken.None);
            var expected = a == b ? [] : NaiveSubProof(a, 0, b, true);
            CollectionAssert.AreEqual(expected.Select(Convert.ToHexString).ToList(), proof.Select(Convert.ToHexString).ToList(), $"PROOF({a}, {b})");
            Assert.IsTrue(MerkleProofs.VerifyConsistency(a, b, Mth(s_leaves, 0, a), Mth(s_leaves, 0, b), proof), $"verify PROOF({a}, {b})");
            if (a < b)
            {
                var forgedOld = Mth(s_leaves, 0, a).ToArray();
                forgedOld[0] ^= 1;
                Assert.IsFalse(MerkleProofs.VerifyConsistency(a, b, forgedOld, Mth(s_leaves, 0, b), proof), $"a rewritten old tree must not verify ({a}, {b})");
            }
        }
    }
}
