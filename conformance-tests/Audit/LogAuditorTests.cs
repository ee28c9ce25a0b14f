using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Data.Sqlite;
using N2N.Node.Audit;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Audit;

/// <summary>Tampering with a real SQLite log file by raw SQL; <c>audit verify</c> must find and name each edit.</summary>
[TestClass]
public sealed class LogAuditorTests
{
    private const int Entries = 20;

    private static async Task<(string Path, SqliteExchangeStore Store, X509Certificate2[] Certificates)> NewLogAsync()
    {
        var key = Hosting.TestKeys.NewCredential("TW", KeyKind.EcdsaP256, out var dir);
        var path = Path.Combine(dir, "n2n.db");
        var store = new SqliteExchangeStore(path, new TreeHeadSigner(key));
        await store.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < Entries; i++)
        {
            var rejected = i % 7 == 0;
            await store.AppendAsync(new LogEntryDraft
            {
                Time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000 + i * 1000L),
                Direction = i % 2 == 0 ? Direction.In : Direction.Out,
                Partner = "CN",
                MessageId = Guid.NewGuid().ToString("D"),
                DocumentType = "ecfa.co",
                Transport = "soap",
                Raw = Encoding.UTF8.GetBytes($"<envelope n=\"{i}\">signed bytes</envelope>"),
                Verdict = rejected ? Verdict.Rejected : Verdict.Accepted,
                ReasonCode = rejected ? "RULE_VIOLATION" : null,
                AdapterId = "cn.customs.ecfa-co/1",
                CanonicalJson = rejected ? null : Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"),
            }, CancellationToken.None);
        }

        return (path, store, [X509CertificateLoader.LoadCertificate(key.Certificate.RawData)]);
    }

    private static async Task ExecuteSqlAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.IsTrue(await command.ExecuteNonQueryAsync() > 0, sql);
    }

    [TestMethod]
    public async Task Verify_UntouchedLog_Clean()
    {
        var (_, store, certificates) = await NewLogAsync();
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        Assert.IsTrue(report.Clean, string.Join("; ", report.Findings.Select(f => f.Detail)));
        Assert.AreEqual(Entries, report.Entries);
        Assert.AreEqual(Entries, report.TreeHeads);
    }

    [TestMethod]
    public async Task Verify_OneByteOfOneRawMessageEdited_NamesThatEntry()
    {
        var (path, store, certificates) = await NewLogAsync();
        await ExecuteSqlAsync(path, "UPDATE log_entries SET raw = CAST(REPLACE(CAST(raw AS TEXT), 'signed', 'Signed') AS BLOB) WHERE idx = 5");
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "raw-edited" && f.Index == 5), Describe(report));
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "tree-head" && f.Index == 6), "the head signed right after entry 5 no longer matches: " + Describe(report));
        Assert.IsFalse(report.Findings.Any(f => f.Index is < 5 && f.Kind != "tree-head"), Describe(report));
    }

    [TestMethod]
    public async Task Verify_VerdictFlippedRejectedToAccepted_NamesThatEntry()
    {
        var (path, store, certificates) = await NewLogAsync();
        await ExecuteSqlAsync(path, "UPDATE log_entries SET verdict = 'Accepted', reason_code = NULL WHERE idx = 7 AND verdict = 'Rejected'");
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "entry-edited" && f.Index == 7), Describe(report));
    }

    [TestMethod]
    public async Task Verify_EntryDeletedFromTheMiddle_NamesTheGap()
    {
        var (path, store, certificates) = await NewLogAsync();
        await ExecuteSqlAsync(path, "DELETE FROM log_entries WHERE idx = 10");
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "missing" && f.Index == 10), Describe(report));
    }

    [TestMethod]
    public async Task Verify_TwoEntriesSwapped_NamesBoth()
    {
        var (path, store, certificates) = await NewLogAsync();
        await ExecuteSqlAsync(path, """
            UPDATE log_entries SET idx = -1 WHERE idx = 3;
            UPDATE log_entries SET idx = 3 WHERE idx = 4;
            UPDATE log_entries SET idx = 4 WHERE idx = -1;
            """);
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "entry-edited" && f.Index == 3), Describe(report));
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "entry-edited" && f.Index == 4), Describe(report));
    }

    [TestMethod]
    public async Task Verify_Last3EntriesDeletedAfterASignedHeadCoveredThem_Truncated()
    {
        var (path, store, certificates) = await NewLogAsync();
        await ExecuteSqlAsync(path, $"DELETE FROM log_entries WHERE idx >= {Entries - 3}");
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        var truncated = report.Findings.SingleOrDefault(f => f.Kind == "truncated");
        Assert.IsNotNull(truncated, Describe(report));
        Assert.AreEqual(Entries - 3, truncated.Index);
        StringAssert.Contains(truncated.Detail, $"entries {Entries - 3}..{Entries - 1} have been removed");
    }

    [TestMethod]
    public async Task Verify_TreeHeadSignatureForged_Named()
    {
        var (path, store, certificates) = await NewLogAsync();
        await ExecuteSqlAsync(path, "UPDATE tree_heads SET signature = zeroblob(64) WHERE tree_size = 12");
        var report = await LogAuditor.VerifyAsync(store, certificates, CancellationToken.None);
        Assert.IsTrue(report.Findings.Any(f => f.Kind == "tree-head-signature" && f.Index == 12), Describe(report));
    }

    private static string Describe(AuditReport report) => string.Join(" | ", report.Findings.Select(f => $"{f.Kind}@{f.Index}: {f.Detail}"));
}
