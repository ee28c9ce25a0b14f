using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Delivery;

/// <summary>A failure before an attempt is claimed (nothing sent) retries that same attempt instead of stranding the message.</summary>
[TestClass]
public sealed class AttemptClaimTests
{
    private sealed class RecordingJobs : IBackgroundJobClient
    {
        public List<Job> Jobs { get; } = [];

        public string Create(Job job, IState state)
        {
            Jobs.Add(job);
            return Jobs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    /// <summary>Throws once, before anything is signed or claimed.</summary>
    private sealed class FailsOnceBeforeClaim(IPartnerChannel inner) : IPartnerChannel
    {
        private int _calls;

        public TransportKind Kind => inner.Kind;
        public IMessageBinding Binding => inner.Binding;

        public string Destination(Partner partner, string nodeId) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException("transient failure before the claim") : inner.Destination(partner, nodeId);

        public Task<ChannelReply> SendAsync(string destination, byte[] envelope, string action, CancellationToken cancellationToken) =>
            inner.SendAsync(destination, envelope, action, cancellationToken);
    }

    [TestMethod]
    public async Task FailureBeforeClaim_NextJobRetriesTheSameAttempt_ThenItIsSent()
    {
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        var outbox = tw.Services.GetRequiredService<Outbox>();
        var message = await outbox.EnqueueAsync(new SendRequest("CN", "ecfa.co", Adapters.AdapterAssert.ReadData("ecfa-co", "tw", "co-001.xml")), CancellationToken.None);
        // The real job may already have delivered it; this test drives its own copy of the job on a fresh message id instead.
        var id = Guid.NewGuid();
        await tw.Store.AddOutboxAsync(message with { MessageId = id, State = OutboxState.Queued, Attempts = 0 }, CancellationToken.None);

        var jobs = new RecordingJobs();
        var job = new DeliveryJob(tw.Config, tw.Services.GetRequiredService<PartnerDirectory>(), tw.Store, tw.Services.GetRequiredService<NodeCredential>(),
            tw.Services.GetServices<IPartnerChannel>().Select(c => (IPartnerChannel)new FailsOnceBeforeClaim(c)).ToList(),
            new PartnerGate(), jobs, TimeProvider.System, NullLogger<DeliveryJob>.Instance);

        await job.DeliverAsync(id, 0, CancellationToken.None);
        Assert.AreEqual(0, (await tw.Store.GetOutboxAsync(id, CancellationToken.None))!.Attempts, "nothing was claimed");
        Assert.AreEqual(0, (int)jobs.Jobs.Single().Args[1], "the retry expects the same attempt number");

        await job.DeliverAsync(id, 0, CancellationToken.None);
        var delivered = (await tw.Store.GetOutboxAsync(id, CancellationToken.None))!;
        Assert.AreEqual(OutboxState.Delivered, delivered.State, delivered.LastError);
        Assert.AreEqual(1, delivered.Attempts);
    }
}
