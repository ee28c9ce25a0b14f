using System.Text;
using Hangfire;
using N2N.Adapters;
using N2N.Node.Configuration;
using N2N.Node.Log;
using N2N.Trust;

namespace N2N.Node.Delivery;

/// <summary>A document a national system wants sent.</summary>
/// <param name="Format">An adapter id, <c>canonical</c>, or null to detect from the content.</param>
public sealed record SendRequest(string To, string DocumentType, byte[] Document, string? Format = null, string? ConversationId = null);

/// <summary>Why a send request was refused before anything was queued.</summary>
public sealed class SendRefusedException(string reasonCode, string? ruleId, string message) : Exception(message)
{
    public string ReasonCode { get; } = reasonCode;

    public string? RuleId { get; } = ruleId;
}

/// <summary>
/// Accepts documents from national systems: translate to canonical, validate, render in the partner's agreed
/// format, store in the outbox and start its delivery. Invalid documents are refused here, before they travel.
/// </summary>
public sealed class Outbox(
    NodeConfig config,
    PartnerDirectory partners,
    AdapterCatalog adapters,
    IExchangeStore store,
    IBackgroundJobClient jobs,
    ImmediateDelivery immediate,
    TimeProvider time)
{
    public const string CanonicalFormat = "canonical";

    public async Task<OutboxMessage> EnqueueAsync(SendRequest request, CancellationToken cancellationToken)
    {
        var partner = partners.Find(request.To)
            ?? throw new SendRefusedException(ReasonCodes.UnknownPartner, null, $"no partner '{request.To}' is configured on node {config.NodeId}");
        if (!partner.Profile.Documents.TryGetValue(request.DocumentType, out var route))
        {
            throw new SendRefusedException(ReasonCodes.NotAllowed, null, $"document type '{request.DocumentType}' is not agreed with {partner.Country}");
        }

        var wireAdapter = adapters.Find(route.Adapter, request.DocumentType)
            ?? throw new SendRefusedException(ReasonCodes.NotAllowed, null, $"adapter '{route.Adapter}' for {partner.Country} is not installed");

        var canonical = ReadInput(request);
        var payload = adapters.Render(wireAdapter, canonical.Document!);
        // Read back what we rendered: a document that the partner's adapter would refuse must not leave.
        var check = adapters.Translate(wireAdapter, payload);
        if (!check.IsSuccess)
        {
            throw new SendRefusedException(ReasonCodes.Internal, check.Error!.RuleId, $"rendering in {wireAdapter.Id} gave a document its own adapter refuses: {check.Error.Message}");
        }

        var message = new OutboxMessage
        {
            MessageId = Guid.NewGuid(),
            Partner = partner.Country,
            DocumentType = request.DocumentType,
            ConversationId = request.ConversationId ?? Guid.NewGuid().ToString("D"),
            Created = TruncateToMilliseconds(time.GetUtcNow()),
            Payload = payload,
            AdapterId = wireAdapter.Id,
            CanonicalJson = canonical.CanonicalJson!,
        };
        message = message with { Updated = message.Created };
        await store.AddOutboxAsync(message, cancellationToken);
        immediate.Start(message.MessageId);
        return message;
    }

    /// <summary>Re-opens a dead letter with a fresh attempt budget and queues it; false if it is not dead.</summary>
    public async Task<bool> RetryAsync(Guid messageId, CancellationToken cancellationToken)
    {
        if (!await store.RetryDeadAsync(messageId, time.GetUtcNow(), cancellationToken))
        {
            return false;
        }

        var message = (await store.GetOutboxAsync(messageId, cancellationToken))!;
        jobs.Enqueue<DeliveryJob>(job => job.DeliverAsync(messageId, message.Attempts, CancellationToken.None));
        return true;
    }

    /// <summary>
    /// Gives every unfinished message a job at start-up: one queued just before a crash may have none. A message that
    /// still has its job gets a duplicate, which finds its attempt already claimed and does nothing.
    /// </summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var pending = (await store.ListOutboxAsync(OutboxState.Queued, cancellationToken)).Concat(await store.ListOutboxAsync(OutboxState.Sending, cancellationToken)).ToList();
        foreach (var message in pending)
        {
            jobs.Enqueue<DeliveryJob>(job => job.DeliverAsync(message.MessageId, message.Attempts, CancellationToken.None));
        }

        return pending.Count;
    }

    private Translation ReadInput(SendRequest request)
    {
        Translation translation;
        if (request.Format == CanonicalFormat || (request.Format is null && LooksLikeJson(request.Document)))
        {
            translation = adapters.ReadCanonical(request.Document);
        }
        else
        {
            var adapter = request.Format is not null
                ? adapters.Find(request.Format, request.DocumentType) ?? throw new SendRefusedException(ReasonCodes.SchemaInvalid, null, $"no format '{request.Format}' is registered for {request.DocumentType}")
                : adapters.Detect(request.Document, request.DocumentType)
                  ?? throw new SendRefusedException(ReasonCodes.SchemaInvalid, null, $"no registered {request.DocumentType} format recognises this document; name one with --format");
            translation = adapters.Translate(adapter, request.Document);
        }

        if (!translation.IsSuccess)
        {
            throw new SendRefusedException(translation.Error!.ReasonCode, translation.Error.RuleId, translation.Error.Message);
        }

        if (translation.Document!.DocumentType != request.DocumentType)
        {
            throw new SendRefusedException(ReasonCodes.SchemaInvalid, null, $"the document is a {translation.Document.DocumentType}, not a {request.DocumentType}");
        }

        return translation;
    }

    private static bool LooksLikeJson(byte[] document)
    {
        var text = Encoding.UTF8.GetString(document, 0, Math.Min(document.Length, 64)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith('{');
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
