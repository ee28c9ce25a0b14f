using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Cli;
using N2N.Node.Configuration;
using N2N.Node.Delivery;

namespace N2N.ConformanceTests.Audit;

/// <summary>The sender holds the receiver to its receipts: rewriting an entry after receipting it is caught.</summary>
[TestClass]
public sealed class ReceiptsCheckTests
{
    [TestMethod]
    public async Task ReceiptsCheck_PartnerRewritesAReceiptedEntry_ExactlyThatReceiptFails()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var id = await tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
            Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);
            ids.Add(id);
        }

        var clean = await RunAsync("receipts", "check", "--partner", "CN", "--json", "--data", tw.Folder.Root);
        Assert.AreEqual(0, clean.Exit, clean.Output);
        Assert.AreEqual(3, JsonDocument.Parse(clean.Output).RootElement.GetProperty("checkedReceipts").GetInt32());

        // CN quietly turns an accepted certificate into a rejected one, by raw SQL on its own log file.
        await using (var connection = new SqliteConnection($"Data Source={cn.Folder.Database};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE log_entries SET verdict = 'Rejected', reason_code = 'RULE_VIOLATION' WHERE message_id = '{ids[1]}'";
            Assert.AreEqual(1, await command.ExecuteNonQueryAsync());
        }

        var caught = await RunAsync("receipts", "check", "--json", "--data", tw.Folder.Root);
        Assert.AreEqual(1, caught.Exit, caught.Output);
        var failed = JsonDocument.Parse(caught.Output).RootElement.GetProperty("results").EnumerateArray().Where(r => !r.GetProperty("ok").GetBoolean()).ToList();
        Assert.AreEqual(1, failed.Count, caught.Output);
        Assert.AreEqual(ids[1], failed[0].GetProperty("messageId").GetGuid());
    }

    [TestMethod]
    public async Task ReceiptsCheck_OverGrpcProofMethod_Verifies()
    {
        var tw = TestNode.Create("TW");
        var cn = TestNode.Create("CN");
        await using var _ = tw;
        await using var __ = cn;
        tw.AddPartner(cn, TransportKind.Grpc);
        cn.AddPartner(tw, TransportKind.Grpc);
        await tw.StartAsync();
        await cn.StartAsync();
        var id = await tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);

        var check = await RunAsync("receipts", "check", "--data", tw.Folder.Root);
        Assert.AreEqual(0, check.Exit, check.Output);
        StringAssert.Contains(check.Output, "1 receipt(s) checked, 0 failed");
    }

    [TestMethod]
    public async Task ProofEndpoint_WithoutAValidSignedRequest_Refused_AndResend_GetsTheOriginalReceipt_AppendsNothing()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        var id = await tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);

        using var anonymous = new HttpClient();
        var unsigned = await anonymous.GetAsync($"{cn.Config.SoapUrl}/n2n/tw/log/proof?index=0&size=1");
        Assert.AreEqual(HttpStatusCode.BadRequest, unsigned.StatusCode);

        var before = (await cn.LogAsync()).Count;
        var resend = await RunAsync("resend", id.ToString(), "--data", tw.Folder.Root);
        Assert.AreEqual(0, resend.Exit, resend.Output);
        StringAssert.Contains(resend.Output, "original receipt");
        Assert.AreEqual(before, (await cn.LogAsync()).Count, "a resent duplicate appends nothing");
    }

    [TestMethod]
    public async Task ProofEndpoint_AnotherPartnersEntry_Forbidden_OwnEntry_Served()
    {
        var tw = TestNode.Create("TW");
        var cn = TestNode.Create("CN");
        var kr = TestNode.Create("KR");
        await using var _ = tw;
        await using var __ = cn;
        await using var ___ = kr;
        tw.AddPartner(cn);
        cn.AddPartner(tw);
        cn.AddPartner(kr, TransportKind.Soap, TestNode.EcfaInCnFormat);
        await tw.StartAsync();
        await cn.StartAsync();
        var id = await tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);

        async Task<HttpResponseMessage> AskAsync(TestNode asker)
        {
            using var key = asker.LoadCredential();
            var header = new N2N.Trust.ExchangeHeader(Guid.NewGuid(), "c", asker.NodeId, "CN", N2N.Node.Audit.ProofService.RequestType, DateTimeOffset.UtcNow);
            var signed = N2N.Trust.Cose.CoseEnvelope.Sign(header, "application/json", JsonSerializer.SerializeToUtf8Bytes(new N2N.Node.Audit.ProofRequest(0, 1), new JsonSerializerOptions(JsonSerializerDefaults.Web)), key);
            using var get = new HttpRequestMessage(HttpMethod.Get, $"{cn.Config.SoapUrl}/n2n/{asker.NodeId.ToLowerInvariant()}/log/proof?index=0&size=1");
            get.Headers.Add(N2N.Node.Transport.Soap.SoapEndpoint.ProofRequestHeader, Convert.ToBase64String(signed));
            using var http = new HttpClient();
            return await http.SendAsync(get);
        }

        Assert.AreEqual(HttpStatusCode.Forbidden, (await AskAsync(kr)).StatusCode, "KR may not see TW's entry");
        Assert.AreEqual(HttpStatusCode.OK, (await AskAsync(tw)).StatusCode, "TW may see its own");
    }

    private static Task<(int Exit, string Output)> RunAsync(params string[] args) => TestKeys.RunCliAsync(args);
}
