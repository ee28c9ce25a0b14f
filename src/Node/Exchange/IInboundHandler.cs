using System.Security.Cryptography.X509Certificates;
using N2N.Adapters.Canonical;
using N2N.Trust;

namespace N2N.Node.Exchange;

/// <summary>An accepted inbound document, after its log entry is durably committed.</summary>
public sealed record AcceptedMessage(long LogIndex, string Partner, ExchangeHeader Header, CanonicalDocument Document, X509Certificate2 Signer, DateTimeOffset Received);

/// <summary>Acts on accepted documents (registries, inbox notifications). Runs after the commit, so it never decides the receipt.</summary>
public interface IInboundHandler
{
    Task HandleAsync(AcceptedMessage message, CancellationToken cancellationToken);
}

/// <summary>Answers a partner's query document (e.g. an AEO status query) with a response document.</summary>
public interface IQueryHandler
{
    /// <summary>The query document type handled, e.g. <c>aeo.status-query</c>.</summary>
    string QueryType { get; }

    /// <summary>The response document type, e.g. <c>aeo.status-response</c>.</summary>
    string ResponseType { get; }

    Task<CanonicalDocument> AnswerAsync(string partner, CanonicalDocument query, CancellationToken cancellationToken);
}
