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

    private static async Task<SqliteExchangeStore> OpenStoreAsync(string path, TreeHeadSigner signer)
    {
        var store = new SqliteExchangeStore(path, signer);
        await store.InitializeAsync(CancellationToken.None);
        return store;
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

        using var reopened = await OpenStoreAsync(path, signer);
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
    public async Task Append_BurstsWithPauses_EveryAppendCommits_AndAfterDisposeAppendsAreRefused()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        var store = await OpenStoreAsync(path, signer);
        // The writer waits between bursts: a burst that arrives as it goes back to waiting must still be committed (an
        // append left behind would never return).
        var positions = new List<LogPosition>();
        for (var burst = 0; burst < 50; burst++)
        {
            positions.AddRange(await Task.WhenAll(Enumerable.Range(0, 1 + burst % 5).Select(i => Task.Run(() => store.AppendAsync(Entry(i), CancellationToken.None)))));
        }

        CollectionAssert.AreEquivalent(Enumerable.Range(0, positions.Count).Select(i => (long)i).ToList(), positions.Select(p => p.Index).ToList());
        store.Dispose();
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(() => store.AppendAsync(Entry(0), CancellationToken.None));

        using var reopened = await OpenStoreAsync(path, signer);
        Assert.HasCount(positions.Count, await reopened.ListAsync(new LogQuery(), CancellationToken.None));
    }

    [TestMethod]
    public async Task Dispose_WithAppendsQueued_EveryQueuedAppendIsCommittedBeforeTheStoreCloses()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        var store = await OpenStoreAsync(path, signer);
        // More appends than one group takes, so Dispose finds some still queued behind a group being committed.
        // Each call queues its append before it returns, so all of them are queued when Dispose starts: every one must
        // be committed and its caller told so, not failed or dropped. (A caller hears it just after Dispose returns:
        // its own continuation runs on the thread pool.)
        var appends = Enumerable.Range(0, 300).Select(i => store.AppendAsync(Entry(i), CancellationToken.None)).ToList();
        store.Dispose();

        var positions = await Task.WhenAll(appends);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 300).Select(i => (long)i).ToList(), positions.Select(p => p.Index).ToList());
        using var reopened = await OpenStoreAsync(path, signer);
        Assert.HasCount(300, await reopened.ListAsync(new LogQuery(), CancellationToken.None));
        Assert.AreEqual(300, (await reopened.LatestTreeHeadAsync(CancellationToken.None))!.TreeSize);
    }

    [TestMethod]
    public async Task Append_WalCannotBeFlushed_CallerIsToldAndLaterWritesAreRefused()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = await OpenStoreAsync(path, signer);
        await store.AppendAsync(Entry(0), CancellationToken.None);

        // SQLite goes on writing through the handle it holds; the store's own flush opens the WAL by name and finds a folder.
        File.Move(path + "-wal", path + "-wal.moved");
        Directory.CreateDirectory(path + "-wal");

        var failed = await Assert.ThrowsExactlyAsync<IOException>(() => store.AppendAsync(Entry(1), CancellationToken.None));
        StringAssert.Contains(failed.Message, "could not be flushed to disk");
        // Nothing more is promised once a flush has failed: the kernel may have dropped what it could not write.
        var refused = await Assert.ThrowsExactlyAsync<IOException>(() => store.AppendAsync(Entry(2), CancellationToken.None));
        StringAssert.Contains(refused.Message, "until it is restarted");
    }

    [TestMethod]
    public async Task CommitInbound_SameMessageTwice_SecondReturnsOriginalReceiptAndAppendsNothing()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = await OpenStoreAsync(path, signer);
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
    public async Task Initialize_Version3File_ReceiptsAndTreeAreKept_RetryGetsTheOriginal_AppendsAndProofsContinue()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        var id = Guid.NewGuid();
        var entry = Entry(1) with { MessageId = id.ToString("D") };
        InboundCommit first;
        var frontier = new MerkleFrontier();
        using (var store = await OpenStoreAsync(path, signer))
        {
            // Eleven entries leave nodes on several levels, some complete and some still waiting for a sibling.
            for (var i = 0; i < 10; i++)
            {
                await store.AppendAsync(Entry(i + 100), CancellationToken.None);
            }

            first = await store.CommitInboundAsync(entry, id, [1, 2, 3], p => Encoding.UTF8.GetBytes($"receipt@{p.Index}"), CancellationToken.None);
            foreach (var e in await store.ListAsync(new LogQuery(), CancellationToken.None))
            {
                frontier.Append(e.LeafHash);
            }
        }

        // Back to the shape of schema version 3, whose receipts were keyed by partner and message id.
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE inbound_messages (
                  partner TEXT NOT NULL, message_id TEXT NOT NULL, payload_digest BLOB NOT NULL, entry_idx INTEGER NOT NULL, receipt BLOB NOT NULL,
                  PRIMARY KEY (partner, message_id)) WITHOUT ROWID;
                INSERT INTO inbound_messages SELECT 'CN', $m, payload_digest, entry_idx, receipt FROM inbound_receipts;
                DROP TABLE inbound_receipts;
                CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
                INSERT INTO merkle_nodes SELECT position & 63, (((position >> 6) + 1) >> (position & 63)) - 1, hash FROM merkle_tree;
                DROP TABLE merkle_tree;
                PRAGMA user_version = 3;
                """;
            command.Parameters.AddWithValue("$m", id.ToString("D"));
            await command.ExecuteNonQueryAsync();
        }

        using var reopened = await OpenStoreAsync(path, signer);
        var retry = await reopened.CommitInboundAsync(entry, id, [1, 2, 3], _ => throw new AssertFailedException("must not issue a second receipt"), CancellationToken.None);
        Assert.IsTrue(retry.Duplicate);
        CollectionAssert.AreEqual(first.Record.Receipt, retry.Record.Receipt);
        CollectionAssert.AreEqual(first.Record.Receipt, (await reopened.FindInboundAsync("CN", id, CancellationToken.None))!.Receipt);
        var entries = await reopened.ListAsync(new LogQuery(), CancellationToken.None);
        Assert.AreEqual(11, entries.Count);

        // The tree was restored from the moved nodes: the next append extends the same tree, and proofs are served from them.
        var next = await reopened.AppendAsync(Entry(200), CancellationToken.None);
        var appendedLeaf = (await reopened.ListAsync(new LogQuery(11), CancellationToken.None))[0].LeafHash;
        frontier.Append(appendedLeaf);
        CollectionAssert.AreEqual(frontier.Root(), next.RootHash);
        for (var leaf = 0; leaf < 12; leaf++)
        {
            var leafHash = leaf < 11 ? entries[leaf].LeafHash : appendedLeaf;
            var proof = await reopened.InclusionProofAsync(leaf, 12, CancellationToken.None);
            Assert.IsTrue(MerkleProofs.VerifyInclusion(leaf, 12, leafHash, proof, next.RootHash), $"leaf {leaf}");
        }

        var old = new MerkleFrontier();
        foreach (var e in entries.Take(5))
        {
            old.Append(e.LeafHash);
        }

        var consistency = await reopened.ConsistencyProofAsync(5, 12, CancellationToken.None);
        Assert.IsTrue(MerkleProofs.VerifyConsistency(5, 12, old.Root(), next.RootHash, consistency));
    }

    [TestMethod]
    public async Task CommitInbound_EntryNamesAnotherMessage_IsRefusedBeforeAnythingIsWritten()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = await OpenStoreAsync(path, signer);
        await Assert.ThrowsExactlyAsync<ArgumentException>(() =>
            store.CommitInboundAsync(Entry(1), Guid.NewGuid(), [9], p => [1], CancellationToken.None));
        Assert.AreEqual(0, (await store.ListAsync(new LogQuery(), CancellationToken.None)).Count);
    }

    [TestMethod]
    public async Task CommitInbound_ReceiptSigningThrows_NothingIsWritten()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = await OpenStoreAsync(path, signer);
        await store.AppendAsync(Entry(0), CancellationToken.None);
        var id = Guid.NewGuid();
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() =>
            store.CommitInboundAsync(Entry(1) with { MessageId = id.ToString("D") }, id, [9], _ => throw new InvalidOperationException("signer down"), CancellationToken.None));

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

    [TestMethod]
    public async Task CommitInbound_ConcurrentCallers_ShareOneCommitAndOneHead_AndAFailingOneLeavesTheRestCommitted()
    {
        var (path, signer, key) = NewStoreFiles();
        using var _ = key;
        using var store = await OpenStoreAsync(path, signer);

        // The first caller holds the writer inside its receipt signing while the others queue up behind it.
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var firstId = Guid.NewGuid();
        var first = Task.Run(() => store.CommitInboundAsync(Entry(0) with { MessageId = firstId.ToString("D") }, firstId, [0], p =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return Encoding.UTF8.GetBytes($"receipt@{p.Index}");
        }, CancellationToken.None));
        Assert.IsTrue(entered.Wait(TimeSpan.FromSeconds(30)), "the first commit never reached its receipt");

        const int queued = 20, failing = 7;
        var ids = Enumerable.Range(0, queued).Select(_ => Guid.NewGuid()).ToArray();
        var rest = Enumerable.Range(0, queued).Select(i => store.CommitInboundAsync(Entry(i + 1) with { MessageId = ids[i].ToString("D") }, ids[i], [(byte)i], p =>
            i == failing ? throw new InvalidOperationException("signer down for this one") : Encoding.UTF8.GetBytes($"receipt@{p.Index}/{p.TreeSize}"),
            CancellationToken.None)).ToArray();
        release.Set();

        Assert.AreEqual(0, (await first).Position!.Index);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => rest[failing]);
        var committed = new List<InboundCommit>();
        for (var i = 0; i < queued; i++)
        {
            if (i != failing)
            {
                committed.Add(await rest[i]);
            }
        }

        // Everyone else committed, at consecutive positions, and each receipt names the root of the tree at its own size.
        CollectionAssert.AreEqual(Enumerable.Range(1, queued - 1).Select(i => (long)i).ToList(), committed.Select(c => c.Position!.Index).Order().ToList());
        Assert.IsNull(await store.FindInboundAsync("CN", ids[failing], CancellationToken.None));
        var entries = await store.ListAsync(new LogQuery(), CancellationToken.None);
        Assert.AreEqual(queued, entries.Count);
        var frontier = new MerkleFrontier();
        var roots = new Dictionary<long, byte[]>();
        foreach (var entry in entries)
        {
            frontier.Append(entry.LeafHash);
            roots[frontier.Size] = frontier.Root();
        }

        foreach (var commit in committed)
        {
            CollectionAssert.AreEqual(roots[commit.Position!.TreeSize], commit.Position.RootHash, $"entry {commit.Position.Index}");
        }

        // Two commits, two signed heads: one per group, not one per entry.
        var heads = await store.TreeHeadsAsync(CancellationToken.None);
        CollectionAssert.AreEqual(new long[] { 1, queued }, heads.Select(h => h.TreeSize).ToArray());
        var audit = await N2N.Node.Audit.LogAuditor.VerifyAsync(store, [key.Certificate], CancellationToken.None);
        Assert.IsTrue(audit.Clean, string.Join("; ", audit.Findings.Select(f => f.Detail)));
    }
}
