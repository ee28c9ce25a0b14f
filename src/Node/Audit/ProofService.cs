using System.Text.Json;
using N2N.Node.Configuration;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.Cose;
using N2N.Trust.Keys;

namespace N2N.Node.Audit;

/// <summary>A partner's request for the proof of one of its entries: the index and tree size its receipt named.</summary>
public sealed record ProofRequest(long Index, long TreeSize);

/// <summary>
/// What a partner needs to hold us to a receipt with nothing but the receipt: the entry as it is stored now (its
/// encoding, so the partner can check message id and digest), its inclusion in the receipt's tree, and the
/// consistency of that tree with our latest signed tree head.
/// </summary>
public sealed record ProofResponse(
    long LeafIndex,
    string EntryEncoding,
    long ReceiptTreeSize,
    string[] InclusionPath,
    long TreeSize,
    string RootHash,
    DateTimeOffset TreeHeadTime,
    string TreeHeadSignature,
    string[] ConsistencyPath);

/// <summary>Answers partners' proof requests, for their own entries only.</summary>
public sealed class ProofService(NodeConfig config, PartnerDirectory partners, IExchangeStore store, NodeCredential credential, TimeProvider time)
{
    public const string RequestType = "n2n.proof-request";
    public const string ResponseType = "n2n.proof";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Verifies the signed request, builds the proof, and returns it signed by us (COSE_Sign1).</summary>
    /// <exception cref="TrustException">With the reason code of the refusal.</exception>
    public async Task<byte[]> AnswerAsync(string? partnerPath, byte[] signedRequest, CancellationToken cancellationToken,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var now = time.GetUtcNow();
        var (_, claimedFrom, _) = CoseEnvelope.TryReadClaims(signedRequest);
        var partner = partners.Find(partnerPath ?? claimedFrom ?? "")
            ?? throw new TrustException(ReasonCodes.UnknownPartner, $"no partner '{partnerPath ?? claimedFrom}' is configured on node {config.NodeId}");
        if (config.Tls?.RequireClientCertificate == true && !partner.IsPinnedTls(clientCertificate))
        {
            throw new TrustException(ReasonCodes.UntrustedCert, $"the TLS client certificate is not pinned for partner {partner.Country}");
        }

        var verified = CoseEnvelope.Verify(signedRequest, partner.Trust, now);
        Freshness.Check(verified.Header.Created, null, now);
        if (verified.Header.DocumentType != RequestType || !verified.Header.To.Equals(config.NodeId, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrustException(ReasonCodes.Malformed, $"not a {RequestType} addressed to {config.NodeId}");
        }

        ProofRequest request;
        try
        {
            request = JsonSerializer.Deserialize<ProofRequest>(verified.Payload, Json) ?? throw new TrustException(ReasonCodes.Malformed, "empty proof request");
        }
        catch (JsonException e)
        {
            throw new TrustException(ReasonCodes.Malformed, "unreadable proof request: " + e.Message);
        }
        var entry = (await store.ListAsync(new LogQuery(request.Index, 1), cancellationToken)).FirstOrDefault(e => e.Index == request.Index);
        // Only the partner's own entries: a proof reveals the entry's metadata.
        if (entry is null || entry.Draft.Partner != partner.Country)
        {
            throw new TrustException(ReasonCodes.NotAllowed, $"entry {request.Index} is not one of {partner.Country}'s entries in this log");
        }

        var head = await store.LatestTreeHeadAsync(cancellationToken) ?? throw new TrustException(ReasonCodes.Internal, "no signed tree head");
        if (request.TreeSize <= request.Index || request.TreeSize > head.TreeSize)
        {
            throw new TrustException(ReasonCodes.Malformed, $"tree size {request.TreeSize} does not cover entry {request.Index} or exceeds the signed size {head.TreeSize}");
        }

        var response = new ProofResponse(
            entry.Index,
            // Encoded from the entry as stored now: an edit since the receipt shows as a leaf outside the receipt's tree.
            Convert.ToBase64String(LogEntry.Encode(entry.Index, entry.Draft, LogEntry.HashCanonical(entry.Draft.CanonicalJson))),
            request.TreeSize,
            [.. (await store.InclusionProofAsync(entry.Index, request.TreeSize, cancellationToken)).Select(Convert.ToBase64String)],
            head.TreeSize,
            Convert.ToBase64String(head.RootHash),
            head.Time,
            Convert.ToBase64String(head.Signature),
            [.. (await store.ConsistencyProofAsync(request.TreeSize, head.TreeSize, cancellationToken)).Select(Convert.ToBase64String)]);
        var header = new ExchangeHeader(Guid.NewGuid(), verified.Header.ConversationId, config.NodeId, partner.Country, ResponseType, now);
        return CoseEnvelope.Sign(header, "application/json", JsonSerializer.SerializeToUtf8Bytes(response, Json), credential);
    }
}
