using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;

namespace N2N.Node.Delivery;

/// <summary>What a partner answered to a resent message.</summary>
public sealed record ResendResult(Guid MessageId, bool OriginalReceipt, string Detail);

/// <summary>
/// Delivers a delivered message again, byte for byte (same id, same signature): the partner must answer with the
/// receipt it gave the first time and append nothing. A different answer is reported.
/// </summary>
public sealed class Resender(PartnerDirectory partners, IExchangeStore store, IEnumerable<IPartnerChannel> channels, NodeConfig config, TimeProvider time)
{
    public async Task<ResendResult> ResendAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var message = await store.GetOutboxAsync(messageId, cancellationToken);
        if (message?.Receipt is not { } original)
        {
            throw new TrustException(ReasonCodes.NotAllowed, message is null ? $"no outbound message {messageId}" : $"message {messageId} is {message.State}: only a delivered message is resent (use outbox retry)");
        }

        var partner = partners.Find(message.Partner) ?? throw new TrustException(ReasonCodes.UnknownPartner, $"partner {message.Partner} is no longer configured");
        var sent = (await store.FindByMessageIdAsync(messageId.ToString("D"), cancellationToken)).First(e => e.Draft.Direction == Direction.Out);
        var channel = channels.Single(c => c.Kind == partner.Profile.Transport);
        var reply = await channel.SendAsync(channel.Destination(partner, config.NodeId), sent.Draft.Raw, "urn:n2n:" + message.DocumentType, cancellationToken);
        if (reply.Reply is null)
        {
            return new ResendResult(messageId, false, $"{partner.Country} refused the resent message: {reply.Error}");
        }

        var receipt = channel.Binding.ReadReceipt(channel.Binding.Verify(reply.Reply, partner.Trust, time.GetUtcNow()));
        var same = receipt.Status == original.Status && receipt.LogIndex == original.LogIndex && receipt.TreeSize == original.TreeSize
            && receipt.RootHash.AsSpan().SequenceEqual(original.RootHash) && receipt.ReceivedDigest.AsSpan().SequenceEqual(original.ReceivedDigest);
        return new ResendResult(messageId, same, same
            ? $"{partner.Country} answered with its original receipt: entry {receipt.LogIndex}, tree size {receipt.TreeSize}"
            : $"{partner.Country} answered with a different receipt (entry {receipt.LogIndex}, tree size {receipt.TreeSize}, {receipt.Status}) than the original (entry {original.LogIndex}, tree size {original.TreeSize}, {original.Status})");
    }
}
