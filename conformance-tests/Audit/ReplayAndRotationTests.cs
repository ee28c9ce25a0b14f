using System.Text.Json;
using Microsoft.Data.Sqlite;
using N2N.Adapters.EcfaCo;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Cli;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Audit;

[TestClass]
public sealed class ReplayAndRotationTests
{
    [TestMethod]
    public async Task ReplayAll_1000MixedEntries_AllIdentical_ThenOneEditedCanonicalHash_ReportsExactlyThatEntry()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        using var key = tw.LoadCredential();
        var good = AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml");
        // A rule violation in the agreed CN format: 6-digit HS code, refused with a signed Rejected receipt.
        var bad = new MainlandEcfaCoAdapter().FromCanonical(new TaiwanEcfaCoAdapter().ToCanonical(AdapterAssert.ReadData("ecfa-co", "invalid", "co-hs-6-digits.xml")).Document!);
        var url = cn.SoapUrlFor("TW");
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var envelope = SoapWire.Sign(key, "TW", "CN", "ecfa.co", i % 10 == 3 ? bad : good, url);
            var answer = await SoapWire.PostAsync(url, i % 50 == 7 ? envelope[..(envelope.Length / 2)] : envelope);
            Assert.AreEqual(i % 50 == 7, answer.IsFault);
        });

        var clean = await ReplayAsync(cn);
        Assert.AreEqual(0, clean.Exit, clean.Json.ToString());
        Assert.AreEqual(1000, clean.Json.GetProperty("replayed").GetInt32());
        Assert.AreEqual(20, clean.Json.GetProperty("skipped").GetInt32(), "the truncated messages were refused before translation");
        Assert.AreEqual(980, clean.Json.GetProperty("identical").GetInt32(), "accepted and rule-refused entries replay identically");

        var target = (await cn.LogAsync()).First(e => e.Index > 500 && e.Draft.Verdict == Verdict.Accepted);
        await using (var connection = new SqliteConnection($"Data Source={cn.Folder.Database};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE log_entries SET canonical_hash = zeroblob(32) WHERE idx = {target.Index}";
            Assert.AreEqual(1, await command.ExecuteNonQueryAsync());
        }

        var tampered = await ReplayAsync(cn);
        Assert.AreEqual(1, tampered.Exit);
        Assert.AreEqual(1, tampered.Json.GetProperty("different").GetInt32());
        Assert.AreEqual(target.Index, tampered.Json.GetProperty("results").EnumerateArray().Single().GetProperty("index").GetInt64());
    }

    [TestMethod]
    public async Task PartnersRotate_OldMessagesStillReplayIdentical_OldKeyAfterOverlapRefused_NewKeyAccepted()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        using var oldKey = tw.LoadCredential();
        var url = cn.SoapUrlFor("TW");
        var before = await SoapWire.PostAsync(url, SoapWire.Sign(oldKey, "TW", "CN", "ecfa.co", AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), url));
        var oldReceipt = SoapWire.VerifyReceipt(before, cn);

        // TW rotates its key; CN pins the new certificate with no overlap, and restarts to load it.
        Assert.AreEqual(0, (await RunAsync("keys", "rotate", "--overlap", "0", "--data", tw.Folder.Root)).Exit);
        var newCertificate = Path.Combine(tw.Folder.Root, "keys", "signing.crt.pem");
        var rotate = await RunAsync("partners", "rotate", "TW", "--cert", newCertificate, "--overlap", "0", "--data", cn.Folder.Root);
        Assert.AreEqual(0, rotate.Exit, rotate.Output);
        await cn.StopAsync();
        await cn.StartAsync();

        var replay = await RunAsync("replay", oldReceipt.RefToMessageId.ToString(), "--json", "--data", cn.Folder.Root);
        Assert.AreEqual(0, replay.Exit, replay.Output);
        Assert.AreEqual("Identical", JsonDocument.Parse(replay.Output).RootElement.GetProperty("results")[0].GetProperty("outcome").GetString());

        var withOldKey = await SoapWire.PostAsync(url, SoapWire.Sign(oldKey, "TW", "CN", "ecfa.co", AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), url));
        Assert.AreEqual(ReasonCodes.CertExpired, withOldKey.FaultCode);

        using var newKey = tw.LoadCredential();
        var withNewKey = await SoapWire.PostAsync(url, SoapWire.Sign(newKey, "TW", "CN", "ecfa.co", AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), url));
        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(withNewKey, cn).Status);

        // Our own rotation keeps our old certificate, so the whole log, old tree heads included, still audits clean.
        await tw.StopAsync();
        Assert.AreEqual(0, (await RunAsync("audit", "verify", "--data", tw.Folder.Root)).Exit);
    }

    private static async Task<(int Exit, JsonElement Json)> ReplayAsync(TestNode node)
    {
        var result = await RunAsync("replay", "--all", "--json", "--data", node.Folder.Root);
        return (result.Exit, JsonDocument.Parse(result.Output).RootElement);
    }

    private static Task<(int Exit, string Output)> RunAsync(params string[] args) => TestKeys.RunCliAsync(args);
}
