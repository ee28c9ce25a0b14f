using System.CommandLine;
using System.Diagnostics;
using N2N.Node.Audit;
using N2N.Node.Cli;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.Node.Bench;

/// <summary><c>bench audit --entries N</c>: build a log of N entries, then time <c>audit verify</c> and proof generation.</summary>
internal static class AuditBench
{
    public static Command Create()
    {
        var entries = new Option<int>("--entries") { Description = "Log size", DefaultValueFactory = _ => 1_000_000 };
        var rawBytes = new Option<int>("--raw-bytes") { Description = "Size of each entry's raw message", DefaultValueFactory = _ => 1024 };
        var perHead = new Option<int>("--entries-per-head")
        {
            Description = "Entries per signed tree head: 1 (the default, and the worst case) is a node committing one message at a time; a busy node's group commits sign one head per group",
            DefaultValueFactory = _ => 1,
        };
        var audit = new Command("audit", "Build a log of N entries and time audit verify and proof generation") { entries, rawBytes, perHead };
        audit.SetHandler(async (parse, context, cancellationToken) =>
        {
            var (n, entriesPerHead) = (parse.GetValue(entries), parse.GetValue(perHead));
            if (entriesPerHead < 1)
            {
                context.Error.WriteLine("bench audit: --entries-per-head must be at least 1");
                return ExitCodes.Usage;
            }

            var dir = Directory.CreateTempSubdirectory("n2n-bench-").FullName;
            try
            {
                KeyFiles.GenerateDevKey("TW", KeyKind.EcdsaP256, Path.Combine(dir, "c.pem"), Path.Combine(dir, "k.pem"), DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
                using var key = KeyFiles.Load(Path.Combine(dir, "c.pem"), Path.Combine(dir, "k.pem"));
                using var store = new SqliteExchangeStore(Path.Combine(dir, "n2n.db"), new TreeHeadSigner(key));
                await store.InitializeAsync(cancellationToken);

                var build = Stopwatch.StartNew();
                var raw = new byte[parse.GetValue(rawBytes)];
                Random.Shared.NextBytes(raw);
                const int batch = 10_000;
                for (var start = 0; start < n; start += batch)
                {
                    var drafts = Enumerable.Range(start, Math.Min(batch, n - start)).Select(i => new LogEntryDraft
                    {
                        Time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000 + i), Direction = i % 2 == 0 ? Direction.In : Direction.Out,
                        Partner = "CN", MessageId = Guid.NewGuid().ToString("D"), DocumentType = "ecfa.co", Transport = "soap", Raw = raw,
                        Verdict = Verdict.Accepted, AdapterId = "cn.customs.ecfa-co/1", CanonicalJson = "{\"n\":1}"u8.ToArray(),
                    }).ToList();
                    await store.AppendManyAsync(drafts, entriesPerHead, cancellationToken);
                }

                build.Stop();
                var report = await LogAuditor.VerifyAsync(store, [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(key.Certificate.RawData)], cancellationToken);

                var proofs = Stopwatch.StartNew();
                const int proofCount = 1000;
                for (var i = 0; i < proofCount; i++)
                {
                    var index = Random.Shared.NextInt64(n);
                    await store.InclusionProofAsync(index, n, cancellationToken);
                    await store.ConsistencyProofAsync(Math.Max(1, index), n, cancellationToken);
                }

                proofs.Stop();
                var perMinute = report.Entries / report.Elapsed.TotalMinutes;
                var result = new
                {
                    entries = n,
                    rawBytes = raw.Length,
                    entriesPerHead,
                    buildSeconds = build.Elapsed.TotalSeconds,
                    auditSeconds = report.Elapsed.TotalSeconds,
                    auditEntriesPerMinute = perMinute,
                    auditClean = report.Clean,
                    treeHeads = report.TreeHeads,
                    proofMilliseconds = proofs.Elapsed.TotalMilliseconds / proofCount,
                    cores = Environment.ProcessorCount,
                };
                if (context.Json)
                {
                    context.WriteJson(result);
                }
                else
                {
                    context.Out.WriteLine($"built a log of {n:N0} entries ({raw.Length} B raw each) in {build.Elapsed.TotalSeconds:0.0} s");
                    context.Out.WriteLine($"audit verify: {report.Elapsed.TotalSeconds:0.0} s = {perMinute:N0} entries/minute ({(report.Clean ? "clean" : "FINDINGS")}, {report.TreeHeads} signed tree heads) on {Environment.ProcessorCount} cores");
                    context.Out.WriteLine($"inclusion + consistency proof: {result.proofMilliseconds:0.00} ms per pair at size {n:N0}");
                }

                return report.Clean ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dir, recursive: true);
            }
        });
        var command = new Command("bench", "Benchmarks: crypto ceiling and real exchanges per binding (default); 'bench audit' for the log");
        command.Subcommands.Add(audit);
        ExchangeBench.AddTo(command);
        return command;
    }
}
