using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Audit;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Log;

namespace N2N.ConformanceTests.Delivery;

/// <summary>Real processes killed with SIGKILL mid-stream: nothing accepted is lost, nothing is applied twice.</summary>
[TestClass]
public sealed class CrashRecoveryTests
{
    private const int Messages = 200;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(180);

    private static string Co() => File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml"));

    private static DeliveryPolicy Persistent() => TestNode.QuickRetries(attempts: 1000) with { MaxInFlight = 4 };

    [TestMethod]
    public async Task KillReceiverMidStream_Restart_EachMessageExactlyOnce_200VerifiedReceipts_AuditsClean()
    {
        var tw = TestNode.Create("TW");
        var cn = TestNode.Create("CN");
        await using var _ = tw;
        await using var __ = cn;
        tw.AddPartner(cn);
        cn.AddPartner(tw);
        tw.EditPartner("CN", p => p with { Delivery = Persistent() });
        using var receiver = new NodeProcess(cn);
        await receiver.StartAsync();
        await tw.StartAsync();

        var ids = new List<Guid>();
        for (var i = 0; i < Messages; i++)
        {
            ids.Add(await tw.SendAsync("CN", "ecfa.co", Co()));
        }

        var cnStore = await cn.OpenFileStoreAsync();
        await Eventually.ThatAsync(async () => (await cnStore.ListAsync(new LogQuery(0, 10_000), CancellationToken.None)).Count >= 40,
            TimeSpan.FromSeconds(60), () => "CN received too little before the crash");
        receiver.Kill();
        await receiver.StartAsync();

        await AssertAllDeliveredExactlyOnceAsync(tw.Store, cnStore, ids);
        Assert.IsTrue((await LogAuditor.VerifyAsync(cnStore, cn.Folder.OurCertificates(), CancellationToken.None)).Clean, "CN audits clean");
        Assert.IsTrue((await LogAuditor.VerifyAsync(tw.Store, tw.Folder.OurCertificates(), CancellationToken.None)).Clean, "TW audits clean");
    }

    [TestMethod]
    public async Task KillSenderMidStream_Restart_All200DeliveredExactlyOnce()
    {
        var tw = TestNode.Create("TW");
        var cn = TestNode.Create("CN");
        await using var _ = tw;
        await using var __ = cn;
        tw.AddPartner(cn);
        cn.AddPartner(tw);
        tw.EditPartner("CN", p => p with { Delivery = Persistent() });
        await cn.StartAsync();
        using var sender = new NodeProcess(tw);
        await sender.StartAsync();

        var ids = new List<Guid>();
        for (var i = 0; i < Messages; i++)
        {
            ids.Add(await tw.SendAsync("CN", "ecfa.co", Co()));
        }

        await Eventually.ThatAsync(async () => (await cn.LogAsync()).Count >= 40, TimeSpan.FromSeconds(60), () => "CN received too little before the crash");
        sender.Kill();
        await sender.StartAsync();

        var twStore = await tw.OpenFileStoreAsync();
        await AssertAllDeliveredExactlyOnceAsync(twStore, cn.Store, ids);
        Assert.IsTrue((await LogAuditor.VerifyAsync(twStore, tw.Folder.OurCertificates(), CancellationToken.None)).Clean, "TW audits clean");
    }

    [TestMethod]
    public async Task PartnerDownThenBack_BacklogDrainsWithoutDuplicates_HealthyPartnerKeptFlowing()
    {
        var tw = TestNode.Create("TW");
        var cn = TestNode.Create("CN");
        var kr = TestNode.Create("KR");
        await using var _ = tw;
        await using var __ = cn;
        await using var ___ = kr;
        var ecfa = TestNode.EcfaInCnFormat;
        tw.AddPartner(cn);
        tw.AddPartner(kr, TransportKind.Soap, ecfa);
        cn.AddPartner(tw);
        kr.AddPartner(tw, TransportKind.Soap, ecfa);
        tw.EditPartner("CN", p => p with { Delivery = Persistent() });
        tw.EditPartner("KR", p => p with { Delivery = Persistent() });
        await tw.StartAsync();
        await kr.StartAsync(); // CN stays down for now

        var toCn = new List<Guid>();
        var toKr = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            toCn.Add(await tw.SendAsync("CN", "ecfa.co", Co()));
            toKr.Add(await tw.SendAsync("KR", "ecfa.co", Co()));
        }

        foreach (var id in toKr)
        {
            Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);
        }

        var backlog = await tw.Store.ListOutboxAsync(null, CancellationToken.None);
        Assert.IsTrue(toCn.All(id => backlog.Single(m => m.MessageId == id).State is OutboxState.Queued or OutboxState.Sending), "CN's messages wait, none lost or dead");

        await cn.StartAsync();
        await AssertAllDeliveredExactlyOnceAsync(tw.Store, cn.Store, toCn);
    }

    private static async Task AssertAllDeliveredExactlyOnceAsync(IExchangeStore sender, IExchangeStore receiver, List<Guid> ids)
    {
        await Eventually.ThatAsync(async () =>
        {
            var outbox = await sender.ListOutboxAsync(null, CancellationToken.None);
            return ids.All(id => outbox.Single(m => m.MessageId == id).State == OutboxState.Delivered);
        }, Drain, () => "not every message was delivered");

        var received = (await receiver.ListAsync(new LogQuery(0, 100_000, Direction.In, "TW", Verdict.Accepted), CancellationToken.None))
            .Where(e => e.Draft.DocumentType == "ecfa.co").Select(e => Guid.Parse(e.Draft.MessageId!)).ToList();
        CollectionAssert.AreEquivalent(ids, received, "each message id exactly once in the receiver's log");

        var outboxNow = await sender.ListOutboxAsync(OutboxState.Delivered, CancellationToken.None);
        Assert.IsTrue(ids.All(id => outboxNow.Single(m => m.MessageId == id).Receipt is { Status: "Accepted" }), "a verified receipt for each");
        var wanted = ids.Select(i => i.ToString()).ToHashSet();
        var receipts = (await sender.ListAsync(new LogQuery(0, 100_000, Direction.In), CancellationToken.None))
            .Where(e => e.Draft.DocumentType == "n2n.receipt" && wanted.Contains(e.Draft.RelatedMessageId!)).ToList();
        CollectionAssert.AreEquivalent(wanted.ToList(), receipts.Select(r => r.Draft.RelatedMessageId).ToList(), "one logged receipt per message");
    }
}
