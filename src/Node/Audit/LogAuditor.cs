using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.Node.Audit;

/// <summary>One thing <c>audit verify</c> found: where (entry index or tree size) and what.</summary>
public sealed record AuditFinding(string Kind, long? Index, string Detail);

/// <summary>The result of an audit of the whole log.</summary>
public sealed record AuditReport(long Entries, int TreeHeads, IReadOnlyList<AuditFinding> Findings, TimeSpan Elapsed)
{
    public bool Clean => Findings.Count == 0;
}

/// <summary>
/// Recomputes every leaf from its stored entry and the tree from those recomputed leaves, and holds the log to every
/// tree head the node ever signed. Edited bytes or metadata, removed or reordered entries, and a log cut back below
/// a signed size are each found and named.
/// </summary>
public static class LogAuditor
{
    /// <summary>Beyond this many, further tree-head mismatches (all caused by the same edit) are counted, not listed.</summary>
    private const int MaxListedHeadMismatches = 5;

    /// <summary>Heads go to the signature checkers in batches, so the hand-over costs little per head.</summary>
    private const int SignatureBatch = 1024;

    public static async Task<AuditReport> VerifyAsync(IExchangeStore store, IReadOnlyList<X509Certificate2> ourCertificates, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var findings = new List<AuditFinding>();
        // Heads are streamed in size order beside the entries and their signatures checked on every core as they
        // pass, so memory stays flat however long the log: loading a million heads up front made each entry's
        // audit slower as the log grew.
        var batches = System.Threading.Channels.Channel.CreateBounded<SignedTreeHead[]>(
            new System.Threading.Channels.BoundedChannelOptions(Environment.ProcessorCount * 4) { SingleWriter = true });
        var signatures = CheckSignaturesAsync(batches.Reader, ourCertificates, cancellationToken);
        var frontier = new MerkleFrontier();
        long expected = 0, entries = 0, headCount = 0;
        var headMismatches = 0;
        try
        {
            await using var heads = store.ReadTreeHeadsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            var batch = new List<SignedTreeHead>(SignatureBatch);
            async Task<SignedTreeHead?> NextHeadAsync()
            {
                if (!await heads.MoveNextAsync())
                {
                    return null;
                }

                headCount++;
                batch.Add(heads.Current);
                if (batch.Count == SignatureBatch)
                {
                    await batches.Writer.WriteAsync([.. batch], cancellationToken);
                    batch.Clear();
                }

                return heads.Current;
            }

            var head = await NextHeadAsync();
            await foreach (var entry in store.ReadAllAsync(cancellationToken))
            {
                entries++;
                if (entry.Index != expected)
                {
                    findings.Add(new AuditFinding("missing", expected, entry.Index == expected + 1
                        ? $"entry {expected} has been removed"
                        : $"entries {expected}..{entry.Index - 1} have been removed"));
                }

                // The recomputed leaf, not the stored one, goes into the tree: an edit must show in every root after it.
                frontier.Append(CheckEntry(entry, findings));
                expected = entry.Index + 1;
                while (head is not null && head.TreeSize < frontier.Size)
                {
                    head = await NextHeadAsync();
                }

                if (head is not null && head.TreeSize == frontier.Size)
                {
                    if (!frontier.Root().AsSpan().SequenceEqual(head.RootHash) && headMismatches++ < MaxListedHeadMismatches)
                    {
                        findings.Add(new AuditFinding("tree-head", head.TreeSize,
                            $"the tree head signed at size {head.TreeSize} ({head.Time:yyyy-MM-dd'T'HH:mm:ss'Z'}) has a root the log no longer produces"));
                    }

                    head = await NextHeadAsync();
                }
            }

            if (headMismatches > MaxListedHeadMismatches)
            {
                findings.Add(new AuditFinding("tree-head", null, $"{headMismatches - MaxListedHeadMismatches} more signed tree heads do not match (same cause)"));
            }

            // Heads signed beyond the last entry: the log was cut below a size the node once vouched for.
            long? largest = null;
            while (head is not null)
            {
                largest = head.TreeSize;
                head = await NextHeadAsync();
            }

            if (largest is { } signedSize)
            {
                findings.Add(new AuditFinding("truncated", frontier.Size,
                    $"the log holds {frontier.Size} entries, but a tree head was signed at size {signedSize}: entries {frontier.Size}..{signedSize - 1} have been removed"));
            }

            if (batch.Count > 0)
            {
                await batches.Writer.WriteAsync([.. batch], cancellationToken);
            }
        }
        finally
        {
            batches.Writer.TryComplete();
        }

        findings.AddRange(await signatures);
        return new AuditReport(entries, checked((int)headCount), findings, clock.Elapsed);
    }

    /// <summary>Names what was edited in an entry, if anything, and returns its leaf recomputed from what is stored now.</summary>
    private static byte[] CheckEntry(LogEntry entry, List<AuditFinding> findings)
    {
        var rawHash = SHA256.HashData(entry.Draft.Raw);
        var canonicalHash = LogEntry.HashCanonical(entry.Draft.CanonicalJson);
        var leaf = MerkleTree.LeafHash(LogEntry.Encode(entry.Index, entry.Draft, rawHash, canonicalHash));
        if (!rawHash.AsSpan().SequenceEqual(entry.RawHash))
        {
            findings.Add(new AuditFinding("raw-edited", entry.Index, $"entry {entry.Index} ({entry.Draft.MessageId}): the raw bytes differ from those appended"));
        }
        else if (!canonicalHash.AsSpan().SequenceEqual(entry.CanonicalHash))
        {
            findings.Add(new AuditFinding("canonical-edited", entry.Index, $"entry {entry.Index} ({entry.Draft.MessageId}): the canonical JSON differs from its recorded hash"));
        }
        else if (!leaf.AsSpan().SequenceEqual(entry.LeafHash))
        {
            // Raw bytes and canonical JSON are as appended, so the difference is in the fields only the leaf covers.
            findings.Add(new AuditFinding("entry-edited", entry.Index,
                $"entry {entry.Index} ({entry.Draft.MessageId}): its verdict, reason, time, partner or another field differs from what was appended, or it was moved from another position"));
        }

        return leaf;
    }

    /// <summary>One checker per core, each on its own thread with its own imported keys, until the heads run out.</summary>
    private static async Task<List<AuditFinding>> CheckSignaturesAsync(System.Threading.Channels.ChannelReader<SignedTreeHead[]> batches, IReadOnlyList<X509Certificate2> certificates, CancellationToken cancellationToken)
    {
        var bad = new System.Collections.Concurrent.ConcurrentBag<SignedTreeHead>();
        // Dedicated threads: the checks are pure CPU, and on the thread pool they starved the scan that feeds them.
        var checkers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Factory.StartNew(() =>
        {
            var verifiers = certificates.Select(c => new DataSignatureVerifier(c)).ToArray();
            try
            {
                while (batches.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                {
                    while (batches.TryRead(out var batch))
                    {
                        foreach (var head in batch)
                        {
                            var signed = SignedTreeHead.Encode(head.TreeSize, head.RootHash, head.Time);
                            if (!verifiers.Any(v => v.Verify(signed, head.Signature)))
                            {
                                bad.Add(head);
                            }
                        }
                    }
                }
            }
            finally
            {
                Array.ForEach(verifiers, v => v.Dispose());
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(checkers);
        return bad.OrderBy(h => h.TreeSize).Select(h => new AuditFinding("tree-head-signature", h.TreeSize, $"the tree head at size {h.TreeSize} is not signed by this node's key")).ToList();
    }
}
