using System.Security.Cryptography;
using Hangfire;
using Microsoft.Extensions.Logging;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.Keys;

namespace N2N.Node.Delivery;

/// <summary>
/// One delivery attempt of an outbox message, run by Hangfire: sign (fresh timestamp, same message id), send,
/// verify the receipt, log both. A receipt that does not verify, or whose digest matches nothing we sent, is a
/// failed attempt, never a delivery.
/// </summary>
public sealed partial class DeliveryJob(
    NodeConfig config,
    PartnerDirectory partners,
    IExchangeStore store,
    NodeCredential credential,
    IEnumerable<IPartnerChannel> channels,
    PartnerGate gate,
    IBackgroundJobClient jobs,
    TimeProvider time,
    ILogger<DeliveryJob> logger)
{
    /// <summary>Codes a partner may stop returning by itself; anything else it returns is final.</summary>
    private static readonly HashSet<string> s_transientFaults = [ReasonCodes.Internal, ReasonCodes.StaleTimestamp, ReasonCodes.RateLimited];

    /// <summary>How long a job waits when its partner already has its share of deliveries in flight.</summary>
    private static readonly TimeSpan s_gateBusyDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>One attempt; <paramref name="expectedAttempts"/> is how many attempts the job's chain has seen.</summary>
    /// <remarks>
    /// Hangfire's own retry is off: back-off, attempt counting and dead-lettering are ours, in the outbox row. A job
    /// whose expected count is stale (another chain moved on: a resumed job, the start-up sweep) does nothing.
    /// </remarks>
    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverAsync(Guid messageId, int expectedAttempts, CancellationToken cancellationToken)
    {
        var message = await store.GetOutboxAsync(messageId, cancellationToken);
        if (message is null || message.State is not (OutboxState.Queued or OutboxState.Sending) || message.Attempts != expectedAttempts)
        {
            return;
        }

        var partner = partners.Find(message.Partner);
        if (partner is null)
        {
            await store.FailAttemptAsync(messageId, $"{ReasonCodes.UnknownPartner}: partner {message.Partner} is no longer configured", dead: true, time.GetUtcNow(), cancellationToken);
            return;
        }

        if (!gate.TryEnter(partner.Country, partner.Profile.Delivery.MaxInFlight))
        {
            jobs.Schedule<DeliveryJob>(job => job.DeliverAsync(messageId, expectedAttempts, CancellationToken.None), s_gateBusyDelay);
            return;
        }

        await AttemptHoldingGateAsync(message, partner, expectedAttempts, cancellationToken);
    }

    /// <summary>
    /// A new message's first attempt, made at once in this process: no round trip through Hangfire's queue, which
    /// bounded node-to-node throughput at a few dozen messages a second. It waits for a free slot of the partner's
    /// gate instead of rescheduling. Retries still go through Hangfire, and a crash before or during this attempt is
    /// covered by the start-up sweep like any other unfinished message.
    /// </summary>
    public async Task DeliverNowAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var message = await store.GetOutboxAsync(messageId, cancellationToken);
        if (message is not { State: OutboxState.Queued, Attempts: 0 } || partners.Find(message.Partner) is not { } partner)
        {
            // Not new any more, or its partner was removed: the Hangfire path knows how to close it.
            await DeliverAsync(messageId, message?.Attempts ?? 0, cancellationToken);
            return;
        }

        await gate.EnterAsync(partner.Country, partner.Profile.Delivery.MaxInFlight, cancellationToken);
        await AttemptHoldingGateAsync(message, partner, 0, cancellationToken);
    }

    /// <summary>Makes attempt <paramref name="expectedAttempts"/> + 1 with a slot of the partner's gate held, releases it, and schedules what follows a failure.</summary>
    private async Task AttemptHoldingGateAsync(OutboxMessage message, Partner partner, int expectedAttempts, CancellationToken cancellationToken)
    {
        var (messageId, policy) = (message.MessageId, partner.Profile.Delivery);
        (string Error, bool Permanent)? failure;
        try
        {
            failure = await AttemptAsync(message, partner, policy, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or an unexpected condition on our side: recorded on the message and retried like a network failure.
            failure = ($"{ReasonCodes.Internal}: {e.GetType().Name}: {e.Message}", false);
        }
        finally
        {
            gate.Exit(partner.Country);
        }

        if (failure is null)
        {
            return;
        }

        var current = await store.GetOutboxAsync(messageId, cancellationToken);
        if (current?.Attempts == expectedAttempts)
        {
            // Failed before the attempt was claimed (nothing was sent): try the same attempt again, uncounted.
            await store.FailAttemptAsync(messageId, failure.Value.Error, dead: false, time.GetUtcNow(), cancellationToken);
            jobs.Schedule<DeliveryJob>(job => job.DeliverAsync(messageId, expectedAttempts, CancellationToken.None), policy.Backoff(1));
            return;
        }

        var attempt = expectedAttempts + 1;
        var dead = failure.Value.Permanent || attempt - message.RetryBase >= policy.Attempts;
        await store.FailAttemptAsync(messageId, failure.Value.Error, dead, time.GetUtcNow(), cancellationToken);
        if (dead)
        {
            LogDeadLettered(logger, messageId, partner.Country, attempt - message.RetryBase, failure.Value.Error);
            return;
        }

        var delay = policy.Backoff(attempt - message.RetryBase);
        LogRetry(logger, messageId, partner.Country, attempt, delay, failure.Value.Error);
        jobs.Schedule<DeliveryJob>(job => job.DeliverAsync(messageId, attempt, CancellationToken.None), delay);
    }

    private async Task<(string Error, bool Permanent)?> AttemptAsync(OutboxMessage message, Partner partner, DeliveryPolicy policy, CancellationToken cancellationToken)
    {
        var channel = channels.Single(c => c.Kind == partner.Profile.Transport);
        var now = time.GetUtcNow();
        // Each attempt is signed afresh (same id, same document): its Created and timestamp must pass the freshness window.
        var header = new ExchangeHeader(message.MessageId, message.ConversationId, config.NodeId, partner.Country, message.DocumentType, now);
        var destination = channel.Destination(partner, config.NodeId);
        var envelope = channel.Binding.Sign(header, message.Payload, destination, null, credential, now);
        if (!await store.TryBeginAttemptAsync(message.MessageId, message.Attempts, envelope, SHA256.HashData(envelope), now, cancellationToken))
        {
            return null; // another job made this attempt
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.Timeout);
        ChannelReply reply;
        try
        {
            reply = await channel.SendAsync(destination, envelope, header.Action, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ($"{destination}: no answer within {policy.Timeout.TotalSeconds:0.#} s", false);
        }

        if (reply.Reply is null)
        {
            return (reply.Error, reply.FaultCode is not null && !s_transientFaults.Contains(reply.FaultCode));
        }

        return await AcceptReceiptAsync(message, partner, channel.Binding, header, reply.Reply, cancellationToken);
    }

    private async Task<(string Error, bool Permanent)?> AcceptReceiptAsync(OutboxMessage message, Partner partner, IMessageBinding binding, ExchangeHeader sent, byte[] reply, CancellationToken cancellationToken)
    {
        Receipt receipt;
        VerifiedMessage verified;
        var now = time.GetUtcNow();
        try
        {
            // Receipts are not judged on freshness: a duplicate gets the original (older) receipt back by design.
            verified = binding.Verify(reply, partner.Trust, now);
            var h = verified.Header;
            if (h.DocumentType != Receipt.DocumentType || !h.To.Equals(config.NodeId, StringComparison.OrdinalIgnoreCase)
                || (verified.RelatesTo is not null && verified.RelatesTo != sent.MessageUrn))
            {
                throw new TrustException(ReasonCodes.Malformed, $"the reply is not a receipt for {sent.MessageUrn} addressed to {config.NodeId}");
            }

            receipt = binding.ReadReceipt(verified);
            if (receipt.RefToMessageId != message.MessageId)
            {
                throw new TrustException(ReasonCodes.Malformed, $"the receipt refers to {receipt.RefToMessageId}");
            }
        }
        catch (TrustException e)
        {
            return ($"receipt refused: {e.ReasonCode}: {e.Message}", false);
        }

        var sentEnvelope = await store.FindAttemptAsync(message.MessageId, receipt.ReceivedDigest, cancellationToken);
        if (sentEnvelope is null)
        {
            return ("receipt refused: its digest matches no envelope we sent", false);
        }

        var rejected = receipt.Status != Receipt.Accepted;
        await store.CompleteDeliveryAsync(message.MessageId,
            new LogEntryDraft
            {
                Time = now,
                Direction = Direction.Out,
                Partner = partner.Country,
                MessageId = message.MessageId.ToString("D"),
                DocumentType = message.DocumentType,
                Transport = binding.Name,
                Raw = sentEnvelope,
                Verdict = rejected ? Verdict.Rejected : Verdict.Accepted,
                ReasonCode = receipt.ReasonCode,
                ReasonDetail = rejected ? $"{receipt.RuleId} {receipt.Detail}".Trim() : null,
                AdapterId = message.AdapterId,
                CanonicalJson = message.CanonicalJson,
            },
            new LogEntryDraft
            {
                Time = now,
                Direction = Direction.In,
                Partner = partner.Country,
                MessageId = verified.Header.MessageId.ToString("D"),
                RelatedMessageId = message.MessageId.ToString("D"),
                DocumentType = Receipt.DocumentType,
                Transport = binding.Name,
                Raw = reply,
                Verdict = Verdict.Accepted,
            },
            receipt,
            cancellationToken);
        LogDelivered(logger, message.MessageId, partner.Country, receipt.Status, receipt.LogIndex);
        return null;
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Delivered {MessageId} to {Partner}: {Status}, partner log index {Index}")]
    private static partial void LogDelivered(ILogger logger, Guid messageId, string partner, string status, long index);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Attempt {Attempt} of {MessageId} to {Partner} failed, retrying in {Delay}: {Error}")]
    private static partial void LogRetry(ILogger logger, Guid messageId, string partner, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Dead-lettered {MessageId} to {Partner} after {Attempts} attempt(s): {Error}")]
    private static partial void LogDeadLettered(ILogger logger, Guid messageId, string partner, int attempts, string error);
}
