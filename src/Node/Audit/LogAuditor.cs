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

    public static async Task<AuditReport> VerifyAsync(IExchangeStore store, IReadOnlyList<X509Certificate2> ourCertificates, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var findings = new List<AuditFinding>();
        var heads = (await store.TreeHeadsAsync(cancellationToken)).ToDictionary(h => h.TreeSize);
        // Signatures are independent of the scan below: checking them at the same time keeps every core busy.
        var signatures = Task.Run(() => CheckSignatures(heads.Values, ourCertificates, cancellationToken), cancellationToken);
        var frontier = new MerkleFrontier();
        long expected = 0, entries = 0;
        var headMismatches = 0;
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

            if (heads.TryGetValue(frontier.Size, out var head) && !frontier.Root().AsSpan().SequenceEqual(head.RootHash) && headMismatches++ < MaxListedHeadMismatches)
            {
                findings.Add(new AuditFinding("tree-head", head.TreeSize,
                    $"the tree head signed at size {head.TreeSize} ({head.Time:yyyy-MM-dd'T'HH:mm:ss'Z'}) has a root the log no longer produces"));
            }
        }

        if (headMismatches > MaxListedHeadMismatches)
        {
            findings.Add(new AuditFinding("tree-head", null, $"{headMismatches - MaxListedHeadMismatches} more signed tree heads do not match (same cause)"));
        }

        foreach (var head in heads.Values.Where(h => h.TreeSize > frontier.Size).OrderBy(h => h.TreeSize).Take(1))
        {
            var largest = heads.Keys.Max();
            findings.Add(new AuditFinding("truncated", frontier.Size,
                $"the log holds {frontier.Size} entries, but a tree head was signed at size {largest}: entries {frontier.Size}..{largest - 1} have been removed"));
        }

        findings.AddRange(await signatures);
        return new AuditReport(entries, heads.Count, findings, clock.Elapsed);
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

    private static List<AuditFinding> CheckSignatures(IEnumerable<SignedTreeHead> heads, IReadOnlyList<X509Certificate2> certificates, CancellationToken cancellationToken)
    {
        // Signature checks dominate an audit's cost; they are independent, so they run on every core, each worker
        // with its own imported keys.
        var bad = new System.Collections.Concurrent.ConcurrentBag<SignedTreeHead>();
        Parallel.ForEach(heads, new ParallelOptions { CancellationToken = cancellationToken },
            () => certificates.Select(c => new DataSignatureVerifier(c)).ToArray(),
            (head, _, verifiers) =>
            {
                var signed = SignedTreeHead.Encode(head.TreeSize, head.RootHash, head.Time);
                if (!verifiers.Any(v => v.Verify(signed, head.Signature)))
                {
                    bad.Add(head);
                }

                return verifiers;
            },
            verifiers => Array.ForEach(verifiers, v => v.Dispose()));
        return bad.OrderBy(h => h.TreeSize).Select(h => new AuditFinding("tree-head-signature", h.TreeSize, $"the tree head at size {h.TreeSize} is not signed by this node's key")).ToList();
    }
}
