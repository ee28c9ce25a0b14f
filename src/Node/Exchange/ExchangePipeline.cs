using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using N2N.Adapters;
using N2N.Adapters.Canonical;
using N2N.Node.Configuration;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.Keys;

namespace N2N.Node.Exchange;

/// <summary>The answer to an inbound message: a signed receipt, or a fault for what could not be authenticated.</summary>
public sealed record InboundOutcome(byte[]? Reply, string? FaultCode, string? FaultMessage)
{
    public static InboundOutcome Fault(string code, string message) => new(null, code, message);
}

/// <summary>
/// Inbound flow, the same for every binding: trust (verify) -> de-duplicate -> adapter (translate, validate)
/// -> log (append, commit) -> signed receipt. Every attempt, accepted or refused, ends up in the log.
/// </summary>
public sealed partial class ExchangePipeline(
    NodeConfig config,
    PartnerDirectory partners,
    AdapterCatalog adapters,
    IExchangeStore store,
    NodeCredential credential,
    TimeProvider time,
    IEnumerable<IInboundHandler> handlers,
    IEnumerable<IQueryHandler> queryHandlers,
    ILogger<ExchangePipeline> logger)
{
    /// <param name="partnerPath">The partner the transport says sent this (SOAP: the URL path; gRPC: the claimed sender), or null if unreadable.</param>
    /// <param name="clientCertificate">The TLS client certificate of the connection, if any (pinned per partner when mTLS is on).</param>
    public async Task<InboundOutcome> ProcessAsync(IMessageBinding binding, string? partnerPath, byte[] raw, bool truncated, CancellationToken cancellationToken,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var now = time.GetUtcNow();
        var (authenticatedPartner, verifiedMessage, refusal) = await AuthenticateAsync(binding, partnerPath, raw, truncated, clientCertificate, now, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var (partner, message) = (authenticatedPartner!, verifiedMessage!);
        var header = message.Header;
        var payloadDigest = SHA256.HashData(message.Payload);
        try
        {
            Freshness.Check(message.SignedAt, message.ExpiresAt, now);
        }
        catch (TrustException e)
        {
            // A retry of a message we already hold gets its original receipt, however late the retry comes. A fresh
            // duplicate is found inside the commit below, so the common case costs no extra read.
            if (await store.FindInboundAsync(partner.Country, header.MessageId, cancellationToken) is { } earlier)
            {
                return await AnswerDuplicateAsync(binding, partner.Country, raw, header, earlier, payloadDigest, now, cancellationToken);
            }

            return await RefuseAsync(binding, partner.Country, raw, e.ReasonCode, e.Message, now, cancellationToken, header);
        }

        var (verdict, error, adapterId, document, canonical) = Translate(partner, header, message.Payload);
        var entry = new LogEntryDraft
        {
            Time = now,
            Direction = Direction.In,
            Partner = partner.Country,
            MessageId = header.MessageId.ToString("D"),
            DocumentType = header.DocumentType,
            Transport = binding.Name,
            Raw = raw,
            Verdict = verdict,
            ReasonCode = error?.ReasonCode,
            ReasonDetail = error is null ? null : Detail(error),
            AdapterId = adapterId,
            CanonicalJson = canonical,
        };
        var receiptDigest = SHA256.HashData(raw);
        var commit = await store.CommitInboundAsync(entry, header.MessageId, payloadDigest, position => binding.SignReceipt(
            new Receipt
            {
                RefToMessageId = header.MessageId,
                ReceivedDigest = receiptDigest,
                Status = verdict == Verdict.Accepted ? Receipt.Accepted : Receipt.Rejected,
                ReasonCode = error?.ReasonCode,
                RuleId = error?.RuleId,
                Detail = error?.Message,
                LogIndex = position.Index,
                TreeSize = position.TreeSize,
                RootHash = position.RootHash,
            }, header, config.NodeId, credential, now), cancellationToken);

        if (commit.Duplicate)
        {
            return await AnswerDuplicateAsync(binding, partner.Country, raw, header, commit.Record, payloadDigest, now, cancellationToken);
        }

        LogInbound(logger, header.MessageId, partner.Country, header.DocumentType, verdict, error?.ReasonCode, commit.Position!.Index);
        if (verdict == Verdict.Accepted)
        {
            await RunHandlersAsync(new AcceptedMessage(commit.Position.Index, partner.Country, header, document!, message.Signer, now), cancellationToken);
        }

        return new InboundOutcome(commit.Record.Receipt, null, null);
    }

    /// <summary>
    /// A partner's query (gRPC Query): authenticated and translated like any message, logged, answered by the handler
    /// for its type, and the signed response logged too. Refusals are faults: the reply to a query is its answer.
    /// </summary>
    public async Task<InboundOutcome> AnswerQueryAsync(IMessageBinding binding, string? partnerPath, byte[] raw, bool truncated, CancellationToken cancellationToken,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var now = time.GetUtcNow();
        var (authenticatedPartner, verifiedMessage, refusal) = await AuthenticateAsync(binding, partnerPath, raw, truncated, clientCertificate, now, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var (partner, message) = (authenticatedPartner!, verifiedMessage!);
        var header = message.Header;
        var handler = queryHandlers.FirstOrDefault(h => h.QueryType == header.DocumentType);
        var (verdict, error, adapterId, document, canonical) = Translate(partner, header, message.Payload);
        if (handler is null && error is null)
        {
            error = new AdapterError(ReasonCodes.NotAllowed, null, $"'{header.DocumentType}' is not a query this node answers");
        }

        if (error is not null)
        {
            return await RefuseAsync(binding, partner.Country, raw, error.ReasonCode, Detail(error), now, cancellationToken, header);
        }

        if (!partner.Profile.Documents.TryGetValue(handler!.ResponseType, out var responseRoute) || adapters.Find(responseRoute.Adapter, handler.ResponseType) is not { } responseAdapter)
        {
            return await RefuseAsync(binding, partner.Country, raw, ReasonCodes.NotAllowed, $"no agreed format for '{handler.ResponseType}' with {partner.Country}", now, cancellationToken, header);
        }

        var queryEntry = await store.AppendAsync(Entry(binding, partner.Country, Direction.In, header, raw, verdict, adapterId, canonical, now), cancellationToken);
        var answer = await handler.AnswerAsync(partner.Country, document!, cancellationToken);
        var responseHeader = new ExchangeHeader(Guid.NewGuid(), header.ConversationId, config.NodeId, partner.Country, handler.ResponseType, now);
        var responseDocument = adapters.Render(responseAdapter, answer);
        var response = binding.Sign(responseHeader, responseDocument, partner.Country, header.MessageUrn, credential, now);
        await store.AppendAsync(Entry(binding, partner.Country, Direction.Out, responseHeader, response, Verdict.Accepted, responseAdapter.Id,
            N2N.Adapters.Canonical.CanonicalJson.Serialize(answer), now) with { RelatedMessageId = header.MessageId.ToString("D") }, cancellationToken);
        LogInbound(logger, header.MessageId, partner.Country, header.DocumentType, Verdict.Accepted, null, queryEntry.Index);
        return new InboundOutcome(response, null, null);
    }

    private async Task<(Partner? Partner, VerifiedMessage? Message, InboundOutcome? Refusal)> AuthenticateAsync(
        IMessageBinding binding, string? partnerPath, byte[] raw, bool truncated, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (partnerPath is null)
        {
            return (null, null, await RefuseAsync(binding, "-", raw, ReasonCodes.Malformed, "the sender cannot be read from the envelope", now, cancellationToken));
        }

        var partner = partners.Find(partnerPath);
        if (partner is null)
        {
            return (null, null, await RefuseAsync(binding, partnerPath, raw, ReasonCodes.UnknownPartner, $"no partner '{partnerPath}' is configured on node {config.NodeId}", now, cancellationToken));
        }

        if (config.Tls?.RequireClientCertificate == true && !partner.IsPinnedTls(clientCertificate))
        {
            // Mutual TLS: the connection must come from the partner's pinned TLS certificate; one that merely chains
            // to a CA, or a different partner's, is not enough.
            return (null, null, await RefuseAsync(binding, partner.Country, raw, ReasonCodes.UntrustedCert,
                clientCertificate is null ? "no TLS client certificate" : $"TLS client certificate {clientCertificate.Subject} is not pinned for partner {partner.Country}", now, cancellationToken));
        }

        if (truncated)
        {
            return (null, null, await RefuseAsync(binding, partner.Country, raw, ReasonCodes.TooLarge, $"message exceeds the limit of {config.MaxMessageBytes} bytes", now, cancellationToken));
        }

        try
        {
            var message = binding.Verify(raw, partner.Trust, now);
            if (!string.Equals(message.Header.To, config.NodeId, StringComparison.OrdinalIgnoreCase))
            {
                throw new TrustException(ReasonCodes.Malformed, $"message is addressed to {message.Header.To}, this node is {config.NodeId}");
            }

            return (partner, message, null);
        }
        catch (TrustException e)
        {
            return (null, null, await RefuseAsync(binding, partner.Country, raw, e.ReasonCode, e.Message, now, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever a parser threw on hostile bytes, the attempt is answered and logged, never a bare 500.
            return (null, null, await RefuseAsync(binding, partner.Country, raw, ReasonCodes.Malformed, $"unreadable message ({e.GetType().Name}): {e.Message}", now, cancellationToken));
        }
    }

    private async Task RunHandlersAsync(AcceptedMessage message, CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
        {
            try
            {
                // Not the request's token: a sender that gives up must not leave committed data unapplied.
                await handler.HandleAsync(message, CancellationToken.None);
            }
            catch (Exception e)
            {
                // The entry is committed and the receipt stands; derived state catches up from the log.
                LogHandlerFailed(logger, e, handler.GetType().Name, message.LogIndex);
            }
        }
    }

    private static LogEntryDraft Entry(IMessageBinding binding, string partner, Direction direction, ExchangeHeader header, byte[] raw, Verdict verdict, string? adapterId, byte[]? canonical, DateTimeOffset now) => new()
    {
        Time = now,
        Direction = direction,
        Partner = partner,
        MessageId = header.MessageId.ToString("D"),
        DocumentType = header.DocumentType,
        Transport = binding.Name,
        Raw = raw,
        Verdict = verdict,
        AdapterId = adapterId,
        CanonicalJson = canonical,
    };

    private (Verdict, AdapterError?, string?, CanonicalDocument?, byte[]?) Translate(Partner partner, ExchangeHeader header, byte[] payload)
    {
        if (!partner.Profile.Documents.TryGetValue(header.DocumentType, out var route))
        {
            return (Verdict.Rejected, new AdapterError(ReasonCodes.NotAllowed, null, $"document type '{header.DocumentType}' is not allowed for partner {partner.Country}"), null, null, null);
        }

        var adapter = adapters.Find(route.Adapter, header.DocumentType);
        if (adapter is null)
        {
            return (Verdict.Rejected, new AdapterError(ReasonCodes.NotAllowed, null, $"adapter '{route.Adapter}' for '{header.DocumentType}' is not installed on node {config.NodeId}"), route.Adapter, null, null);
        }

        var translation = adapters.Translate(adapter, payload);
        if (translation.Document is AeoStatusList list && !string.Equals(list.IssuingCountry, partner.Country, StringComparison.OrdinalIgnoreCase))
        {
            // A partner speaks for its own AEOs only: a list "issued by" another country would rewrite that country's registry (ours included).
            return (Verdict.Rejected, new AdapterError(ReasonCodes.NotAllowed, null, $"partner {partner.Country} may send only its own AEO list, not one issued by {list.IssuingCountry}"), adapter.Id, null, null);
        }

        return translation.IsSuccess
            ? (Verdict.Accepted, null, adapter.Id, translation.Document, translation.CanonicalJson)
            : (Verdict.Rejected, translation.Error, adapter.Id, null, null);
    }

    private async Task<InboundOutcome> AnswerDuplicateAsync(IMessageBinding binding, string partner, byte[] raw, ExchangeHeader header, InboundRecord earlier, byte[] payloadDigest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (earlier.PayloadDigest.AsSpan().SequenceEqual(payloadDigest))
        {
            // Same id, same document: the original receipt, and nothing appended (exactly-once effect of retries).
            LogDuplicate(logger, header.MessageId, partner, earlier.EntryIndex);
            return new InboundOutcome(earlier.Receipt, null, null);
        }

        return await RefuseAsync(binding, partner, raw, ReasonCodes.Conflict,
            $"message id {header.MessageId} was already received (log index {earlier.EntryIndex}) with a different document", now, cancellationToken, header);
    }

    private async Task<InboundOutcome> RefuseAsync(IMessageBinding binding, string partner, byte[] raw, string code, string message, DateTimeOffset now, CancellationToken cancellationToken, ExchangeHeader? header = null)
    {
        var claims = header is null ? SafeClaims(binding, raw) : new MessageClaims(header.MessageId.ToString("D"), header.From, header.DocumentType);
        // Unauthenticated text must not forge log lines: a partner is two letters or '-', reasons lose control characters.
        partner = partner.Length == 2 && partner.All(char.IsAsciiLetter) ? partner.ToUpperInvariant() : "-";
        message = Clean(message);
        var position = await store.AppendAsync(new LogEntryDraft
        {
            Time = now,
            Direction = Direction.In,
            Partner = partner,
            MessageId = Guid.TryParse(claims.MessageId, out var id) ? id.ToString("D") : null,
            DocumentType = claims.DocumentType is { Length: <= 64 } type && type.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') ? type : null,
            Transport = binding.Name,
            Raw = raw.Length > config.MaxMessageBytes ? raw[..config.MaxMessageBytes] : raw,
            Verdict = Verdict.Rejected,
            ReasonCode = code,
            ReasonDetail = message,
        }, cancellationToken);
        LogRefused(logger, partner, code, message, position.Index);
        return InboundOutcome.Fault(code, message);
    }

    private static MessageClaims SafeClaims(IMessageBinding binding, byte[] raw)
    {
        try
        {
            return binding.ReadClaims(raw);
        }
        catch (Exception e) when (e is TrustException or System.Xml.XmlException or FormatException)
        {
            return new MessageClaims(null, null, null);
        }
    }

    private static string Clean(string text)
    {
        var cleaned = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
        return cleaned.Length <= 500 ? cleaned : cleaned[..500] + "…";
    }

    private static string Detail(AdapterError error) => error.RuleId is null ? error.Message : $"{error.RuleId}: {error.Message}";

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Inbound {MessageId} from {Partner} ({DocumentType}): {Verdict} {ReasonCode}, log index {Index}")]
    private static partial void LogInbound(ILogger logger, Guid messageId, string partner, string documentType, Verdict verdict, string? reasonCode, long index);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Duplicate {MessageId} from {Partner}: original receipt returned (log index {Index})")]
    private static partial void LogDuplicate(ILogger logger, Guid messageId, string partner, long index);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Handler {Handler} failed on log index {Index}; run 'n2n aeo rebuild' to re-derive its state")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string handler, long index);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Refused message from {Partner}: {ReasonCode} {Reason} (log index {Index})")]
    private static partial void LogRefused(ILogger logger, string partner, string reasonCode, string reason, long index);
}
