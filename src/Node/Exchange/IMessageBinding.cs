using System.Security.Cryptography.X509Certificates;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;

namespace N2N.Node.Exchange;

/// <summary>A message a binding has authenticated against a partner's pinned certificate.</summary>
/// <param name="Payload">The partner document, as carried.</param>
/// <param name="SignedAt">The signed creation time that freshness is judged on.</param>
public sealed record VerifiedMessage(ExchangeHeader Header, byte[] Payload, X509Certificate2 Signer, DateTimeOffset SignedAt, DateTimeOffset? ExpiresAt, string? RelatesTo);

/// <summary>What could be read from a refused message, for the log.</summary>
public sealed record MessageClaims(string? MessageId, string? From, string? DocumentType);

/// <summary>One wire binding (SOAP, gRPC): how envelopes and receipts are verified and signed.</summary>
/// <remarks>Everything above the binding (pipeline, log, delivery) is the same for all bindings.</remarks>
public interface IMessageBinding
{
    /// <summary>The name recorded in the log's transport column: <c>soap</c> or <c>grpc</c>.</summary>
    string Name { get; }

    /// <exception cref="TrustException">With the reason code of the failed check.</exception>
    VerifiedMessage Verify(ReadOnlyMemory<byte> envelope, PartnerTrust trust, DateTimeOffset at);

    MessageClaims ReadClaims(ReadOnlyMemory<byte> envelope);

    /// <summary>Signs a message carrying <paramref name="document"/>; <paramref name="destination"/> is the partner endpoint URI.</summary>
    byte[] Sign(ExchangeHeader header, ReadOnlyMemory<byte> document, string destination, string? relatesTo, NodeCredential credential, DateTimeOffset now);

    /// <summary>Signs a receipt answering <paramref name="request"/>.</summary>
    byte[] SignReceipt(Receipt receipt, ExchangeHeader request, string nodeId, NodeCredential credential, DateTimeOffset now);

    /// <summary>Reads the receipt document out of a verified reply.</summary>
    /// <exception cref="TrustException">MALFORMED when the payload is not a receipt.</exception>
    Receipt ReadReceipt(VerifiedMessage reply);
}
