using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Delivery;
using N2N.Node.Log;

namespace N2N.ConformanceTests.Delivery;

/// <summary>A new message's first attempt is made in-process, off Hangfire's queue; only retries become Hangfire jobs.</summary>
[TestClass]
public sealed class FirstAttemptTests
{
    private static string Co() => File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml"));

    [TestMethod]
    public async Task Burst_BeyondTheInFlightLimit_AllDeliveredOnce_WithoutAnyHangfireJob()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;

        // 40 at once against the default limit of 2 in flight: the rest wait for the gate in memory, not in Hangfire.
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => tw.SendAsync("CN", "ecfa.co", Co())));
        foreach (var id in ids)
        {
            var final = await tw.WaitForFinalStateAsync(id);
            Assert.AreEqual(OutboxState.Delivered, final.State, final.LastError);
            Assert.AreEqual(1, final.Attempts);
        }

        var received = (await cn.LogAsync()).Where(e => e.Draft.Direction == Direction.In && e.Draft.Verdict == Verdict.Accepted).Select(e => Guid.Parse(e.Draft.MessageId!)).ToList();
        CollectionAssert.AreEquivalent(ids, received, "each message reached CN exactly once");
        var hangfire = tw.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        Assert.AreEqual(0L, hangfire.SucceededListCount() + hangfire.ScheduledCount() + hangfire.EnqueuedCount("default") + hangfire.ProcessingCount(),
            "no Hangfire job was needed for first attempts that succeeded");
    }

    [TestMethod]
    public async Task FirstAttemptFails_TheRetryIsAScheduledHangfireJob()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        await cn.StopAsync();

        var id = await tw.SendAsync("CN", "ecfa.co", Co());
        var hangfire = tw.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Eventually.ThatAsync(() => Task.FromResult(hangfire.ScheduledCount() == 1), TimeSpan.FromSeconds(30), () => "no retry was scheduled in Hangfire");
        var message = (await tw.Store.GetOutboxAsync(id, CancellationToken.None))!;
        Assert.AreEqual(OutboxState.Sending, message.State);
        Assert.AreEqual(1, message.Attempts);
        Assert.IsNotNull(message.LastError);
    }
}
