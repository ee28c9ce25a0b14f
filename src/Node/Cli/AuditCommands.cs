using System.CommandLine;
using N2N.Node.Audit;
using N2N.Node.Log;

namespace N2N.Node.Cli;

/// <summary><c>audit verify | prove ID | consistency A B</c>: log integrity and proofs, from the log file alone.</summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var command = new Command("audit", "Check the exchange log's integrity and produce RFC 9162 proofs");

        var verify = new Command("verify", "Recompute every leaf and tree head; name every edited, removed or reordered entry. Exit 0 clean, 1 findings.");
        verify.SetHandler(async (_, context, cancellationToken) =>
        {
            var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
            var report = await LogAuditor.VerifyAsync(store, context.Folder.OurCertificates(), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new { clean = report.Clean, entries = report.Entries, treeHeads = report.TreeHeads, seconds = report.Elapsed.TotalSeconds, findings = report.Findings });
            }
            else
            {
                foreach (var finding in report.Findings)
                {
                    context.Out.WriteLine($"FOUND {finding.Kind}: {finding.Detail}");
                }

                context.Out.WriteLine(report.Clean
                    ? $"clean: {report.Entries} entries and {report.TreeHeads} signed tree heads verified in {report.Elapsed.TotalSeconds:0.0} s"
                    : $"{report.Findings.Count} finding(s) in {report.Entries} entries and {report.TreeHeads} signed tree heads");
            }

            return report.Clean ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });

        var id = new Argument<string>("message-id") { Description = "Message id (UUID)" };
        var prove = new Command("prove", "Inclusion proof of a message's entry against the latest signed tree head") { id };
        prove.SetHandler(async (parse, context, cancellationToken) =>
        {
            var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
            var entry = (await store.FindByMessageIdAsync(parse.GetValue(id)!.Replace("urn:uuid:", "", StringComparison.OrdinalIgnoreCase), cancellationToken))
                .OrderByDescending(e => e.Draft.Verdict == Verdict.Accepted).FirstOrDefault()
                ?? throw new CheckFailedException($"no log entry for message {parse.GetValue(id)}");
            var head = await store.LatestTreeHeadAsync(cancellationToken) ?? throw new CheckFailedException("the log has no signed tree head yet");
            var proof = await store.InclusionProofAsync(entry.Index, head.TreeSize, cancellationToken);
            var verified = MerkleProofs.VerifyInclusion(entry.Index, head.TreeSize, entry.LeafHash, proof, head.RootHash);
            var result = new
            {
                messageId = entry.Draft.MessageId,
                leafIndex = entry.Index,
                leafHash = Convert.ToBase64String(entry.LeafHash),
                entryEncoding = Convert.ToBase64String(LogEntry.Encode(entry.Index, entry.Draft, entry.CanonicalHash)),
                treeSize = head.TreeSize,
                rootHash = Convert.ToBase64String(head.RootHash),
                treeHeadTime = head.Time,
                treeHeadSignature = Convert.ToBase64String(head.Signature),
                inclusionPath = proof.Select(Convert.ToBase64String).ToArray(),
                verified,
            };
            if (context.Json)
            {
                context.WriteJson(result);
            }
            else
            {
                context.Out.WriteLine($"entry {entry.Index} ({entry.Draft.MessageId}) is in the tree of size {head.TreeSize} with root {result.rootHash}, signed {head.Time:yyyy-MM-dd'T'HH:mm:ss'Z'}");
                context.Out.WriteLine($"leaf {result.leafHash}; audit path ({proof.Count} hashes):");
                foreach (var hash in result.inclusionPath)
                {
                    context.Out.WriteLine("  " + hash);
                }

                context.Out.WriteLine(verified ? "proof verifies (RFC 9162 section 2.1.3.2)" : "PROOF DOES NOT VERIFY: run 'n2n audit verify'");
            }

            return verified ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });

        var first = new Argument<long>("size-a") { Description = "The older tree size" };
        var second = new Argument<long>("size-b") { Description = "The newer tree size" };
        var consistency = new Command("consistency", "Consistency proof between two signed tree sizes") { first, second };
        consistency.SetHandler(async (parse, context, cancellationToken) =>
        {
            var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
            var heads = (await store.TreeHeadsAsync(cancellationToken)).ToDictionary(h => h.TreeSize);
            var (a, b) = (parse.GetValue(first), parse.GetValue(second));
            if (!heads.TryGetValue(a, out var older) || !heads.TryGetValue(b, out var newer) || a > b)
            {
                var sizes = heads.Keys.Order().ToList();
                var listed = sizes.Count <= 20 ? string.Join(", ", sizes) : $"{string.Join(", ", sizes.Take(10))} … {string.Join(", ", sizes.TakeLast(5))}";
                throw new Configuration.ConfigurationException($"need two signed tree sizes with a <= b; this log signed sizes {listed}");
            }

            var proof = await store.ConsistencyProofAsync(a, b, cancellationToken);
            var verified = MerkleProofs.VerifyConsistency(a, b, older.RootHash, newer.RootHash, proof);
            if (context.Json)
            {
                context.WriteJson(new { sizeA = a, rootA = Convert.ToBase64String(older.RootHash), sizeB = b, rootB = Convert.ToBase64String(newer.RootHash), proof = proof.Select(Convert.ToBase64String), verified });
            }
            else
            {
                context.Out.WriteLine($"tree {a} ({Convert.ToBase64String(older.RootHash)}) -> tree {b} ({Convert.ToBase64String(newer.RootHash)}): {proof.Count} hashes");
                foreach (var hash in proof)
                {
                    context.Out.WriteLine("  " + Convert.ToBase64String(hash));
                }

                context.Out.WriteLine(verified ? "consistent: the newer tree extends the older one (RFC 9162 section 2.1.4.2)" : "NOT CONSISTENT");
            }

            return verified ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });

        command.Subcommands.Add(verify);
        command.Subcommands.Add(prove);
        command.Subcommands.Add(consistency);
        return command;
    }
}
