using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Node.Transport.Soap;
using N2N.Trust.Keys;
using Microsoft.Extensions.DependencyInjection;
using N2N.Trust.WsSecurity;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace N2N.ConformanceTests.Delivery;

/// <summary>WireMock.Net stands in for a broken CN: every failure is retried per policy; only a valid receipt delivers.</summary>
[TestClass]
public sealed class DeliveryResilienceTests
{
    private static TestNode s_cn = null!;

    [ClassInitialize]
    public static async Task StartCnAsync(TestContext context)
    {
        s_cn = TestNode.Create("CN");
        await s_cn.StartAsync();
    }

    [ClassCleanup]
    public static async Task StopCnAsync() => await s_cn.DisposeAsync();

    /// <summary>A TW node whose CN profile points at the mock; CN itself knows TW, so proxied requests get genuine receipts.</summary>
    private static async Task<(TestNode Tw, WireMockServer Mock)> TwBehindMockAsync(int attempts)
    {
        var mock = WireMockServer.Start();
        var tw = TestNode.Create("TW");
        tw.AddPartner(s_cn);
        tw.EditPartner("CN", p => p with { Endpoints = p.Endpoints with { Soap = mock.Url! }, Delivery = TestNode.QuickRetries(attempts) });
        // CN loads partners at start: give it this TW and restart it.
        s_cn.AddPartner(tw);
        await s_cn.StopAsync();
        await s_cn.StartAsync();
        await tw.StartAsync();
        return (tw, mock);
    }

    private static IRequestBuilder AnySoapPost() => Request.Create().WithPath("/n2n/tw/soap").UsingPost();

    private static void Recover(WireMockServer mock)
    {
        mock.Reset();
        mock.Given(AnySoapPost()).RespondWith(Response.Create().WithProxy(s_cn.Config.SoapUrl));
    }

    private static async Task WaitForAttemptsAsync(TestNode tw, Guid id, int attempts) =>
        await Eventually.ThatAsync(async () => (await tw.Store.GetOutboxAsync(id, CancellationToken.None))!.Attempts >= attempts,
            TimeSpan.FromSeconds(30), () => $"message {id} did not reach {attempts} attempts");

    private static string Co() => File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml"));

    [TestMethod]
    [DataRow("503")]
    [DataRow("hang")]
    [DataRow("garbage")]
    public async Task Deliver_PartnerFailsThenRecovers_RetriedThenDeliveredOnce(string failure)
    {
        var (tw, mock) = await TwBehindMockAsync(attempts: 10);
        await using var _ = tw;
        using var __ = mock;
        var response = failure switch
        {
            "503" => Response.Create().WithStatusCode(503),
            "hang" => Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)),
            _ => Response.Create().WithStatusCode(200).WithBody("<not-a-receipt/>"),
        };
        mock.Given(AnySoapPost()).RespondWith(response);

        var id = await tw.SendAsync("CN", "ecfa.co", Co());
        await WaitForAttemptsAsync(tw, id, 2);
        var failing = (await tw.Store.GetOutboxAsync(id, CancellationToken.None))!;
        Assert.AreEqual(OutboxState.Sending, failing.State, "never delivered while the partner is broken");
        Assert.IsNull(failing.Receipt);

        Recover(mock);
        var delivered = await tw.WaitForFinalStateAsync(id);
        Assert.AreEqual(OutboxState.Delivered, delivered.State, delivered.LastError);
        // The first attempt surely failed (the second had been claimed before recovery); the second may already be proxied.
        Assert.IsTrue(delivered.Attempts >= 2, $"{delivered.Attempts} attempts");
        Assert.AreEqual(1, (await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Count(e => e.Draft.Verdict == Verdict.Accepted));
    }

    [TestMethod]
    [DataRow("wrong-key")]
    [DataRow("wrong-digest")]
    public async Task Deliver_ReceiptThatMustNotCount_RetriedThenDeadLettered_NeverDelivered(string flaw)
    {
        var (tw, mock) = await TwBehindMockAsync(attempts: 3);
        await using var _ = tw;
        using var __ = mock;
        mock.Given(AnySoapPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(503));
        var id = await tw.SendAsync("CN", "ecfa.co", Co());
        await WaitForAttemptsAsync(tw, id, 1); // the first attempt starts at once and meets the 503

        // A well-formed receipt for this very message: signed by a key CN never had, or by CN's key over bytes TW never sent.
        using var signer = flaw == "wrong-key" ? Stranger() : s_cn.LoadCredential();
        var request = new N2N.Trust.ExchangeHeader(id, "c", "TW", "CN", "ecfa.co", DateTimeOffset.UtcNow);
        var receipt = new SoapBinding(XmlLimits.Default).SignReceipt(new Receipt
        {
            RefToMessageId = id, ReceivedDigest = new byte[32], Status = Receipt.Accepted, LogIndex = 0, TreeSize = 1, RootHash = new byte[32],
        }, request, "CN", signer, DateTimeOffset.UtcNow);
        // Added over the 503 (no reset, so no moment without an answer): every later attempt gets this receipt.
        mock.Given(AnySoapPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200).WithBody(receipt).WithHeader("Content-Type", SoapEndpoint.ContentType));

        var final = await tw.WaitForFinalStateAsync(id);
        Assert.AreEqual(OutboxState.Dead, final.State);
        Assert.IsNull(final.Receipt);
        StringAssert.Contains(final.LastError, flaw == "wrong-key" ? "UNTRUSTED_CERT" : "digest matches no envelope we sent");
        Assert.AreEqual(0, (await tw.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Count, "nothing logged as delivered");

        // The dead letter is visible, and 'outbox retry' revives it once the partner is sound again.
        Recover(mock);
        Assert.IsTrue(await tw.Services.GetRequiredService<Outbox>().RetryAsync(id, CancellationToken.None));
        Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);
    }

    private static NodeCredential Stranger() => TestKeys.NewCredential("CN");
}
