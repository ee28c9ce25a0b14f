using System.Text;
using Microsoft.Data.Sqlite;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Log;

[TestClass]
public sealed class SqliteExchangeStoreTests
{
    private static LogEntryDraft Entry(int i, Verdict verdict = Verdict.Accepted) => new()
    {
        Time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000 + i),
        Direction = Direction.In,
        Partner = "CN",
        MessageId = Guid.NewGuid().ToString("D"),
        DocumentType = "ecfa.co",
        Transport = "soap",
        Raw = Encoding.UTF8.GetBytes($"<raw n=\"{i}\"/>"),
        Verdict = verdict,
        CanonicalJson = verdict == Verdict.Accepted ? Encoding.UTF8.GetBytes($"{{\"n\":{i}}}") : null,
    };

    private static (string Path, TreeHeadSigner Signer, NodeCredential Key) NewStoreFiles()
    {
        var key = Hosting.TestKeys.NewCredential("TW", KeyKind.EcdsaP256, out var dir);
        return (Path.Combine(dir, "n2n.db"), new TreeHeadSigner(key), key);
    }

    [TestMethod]
    public async Task Append_ThenReopenFile_RootAndLeavesRecomputeAndAppendContinues()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        var frontier = new MerkleFrontier();
        LogPosition last;
        using (var store = new SqliteExchangeStore(path, signer))
        {
            await store.InitializeAsync(CancellationToken.None);
            for (var i = 0; i < 13; i++)
            {
                last = await store.AppendAsync(Entry(i, i % 3 == 0 ? Verdict.Rejected : Verdict.Accepted), CancellationToken.None);
            }
        }

        using var reopened = new SqliteExchangeStore(path, signer);
        await reopened.InitializeAsync(CancellationToken.None);
        var entries = await reopened.ListAsync(new LogQuery(), CancellationToken.None);
        Assert.AreEqual(13, entries.Count);
        foreach (var e in entries)
        {
            // The stored leaf is exactly the RFC 9162 leaf of the documented entry encoding.
            CollectionAssert.AreEqual(MerkleTree.LeafHash(LogEntry.Encode(e.Index, e.Draft, e.CanonicalHash)), e.LeafHash, $"entry {e.Index}");
            frontier.Append(e.LeafHash);
        }

        last = await reopened.AppendAsync(Entry(13), CancellationToken.None);
        frontier.Append((await reopened.ListAsync(new LogQuery(13), CancellationToken.None))[0].LeafHash);
        Assert.AreEqual(14, last.TreeSize);
        CollectionAssert.AreEqual(frontier.Root(), last.RootHash);
    }

    [TestMethod]
    public async Task CommitInbound_SameMessageTwice_SecondReturnsOriginalReceiptAndAppendsNothing()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = new SqliteExchangeStore(path, signer);
        await store.InitializeAsync(CancellationToken.None);
        var id = Guid.NewGuid();
        var entry = Entry(1) with { MessageId = id.ToString("D") };
        var first = await store.CommitInboundAsync(entry, id, [1, 2, 3], p => Encoding.UTF8.GetBytes($"receipt@{p.Index}/{p.TreeSize}"), CancellationToken.None);
        var second = await store.CommitInboundAsync(entry, id, [1, 2, 3], p => throw new AssertFailedException("must not issue a second receipt"), CancellationToken.None);

        Assert.IsFalse(first.Duplicate);
        Assert.IsTrue(second.Duplicate);
        CollectionAssert.AreEqual(first.Record.Receipt, second.Record.Receipt);
        Assert.AreEqual("receipt@0/1", Encoding.UTF8.GetString(second.Record.Receipt));
        Assert.AreEqual(1, (await store.ListAsync(new LogQuery(), CancellationToken.None)).Count);
        var head = await store.LatestTreeHeadAsync(CancellationToken.None);
        Assert.IsNotNull(head);
        Assert.IsTrue(NodeCredential.VerifyData(key.Certificate, SignedTreeHead.Encode(head.TreeSize, head.RootHash, head.Time), head.Signature));
    }

    [TestMethod]
    public async Task CommitInbound_ReceiptSigningThrows_NothingIsWritten()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = new SqliteExchangeStore(path, signer);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(Entry(0), CancellationToken.None);
        var id = Guid.NewGuid();
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() =>
            store.CommitInboundAsync(Entry(1), id, [9], _ => throw new InvalidOperationException("signer down"), CancellationToken.None));

        // No half-write: no entry, no de-duplication record, and the next append takes index 1.
        Assert.IsNull(await store.FindInboundAsync("CN", id, CancellationToken.None));
        var next = await store.AppendAsync(Entry(2), CancellationToken.None);
        Assert.AreEqual(1, next.Index);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log_entries";
        Assert.AreEqual(2L, await command.ExecuteScalarAsync());
    }
}
