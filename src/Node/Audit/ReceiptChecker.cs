using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Log;
using N2N.Node.Transport.Soap;
using N2N.Trust;
using N2N.Trust.Cose;
using N2N.Trust.Keys;

namespace N2N.Node.Audit;

/// <summary>The verdict on one receipt we hold.</summary>
public sealed record ReceiptCheck(Guid MessageId, string Partner, long LogIndex, long TreeSize, bool Ok, string Detail);

/// <summary>
/// Holds partners to the receipts they signed: for each, fetches the proof of the entry and checks that the entry as
/// the partner stores it now is the leaf its receipt's tree contained, and that the partner's log only grew since.
/// </summary>
public sealed class ReceiptChecker(NodeConfig config, NodeCredential credential, Transport.PartnerConnections connections, TimeProvider time)
{
    public async Task<IReadOnlyList<ReceiptCheck>> CheckAsync(IEnumerable<OutboxMessage> delivered, PartnerDirectory partners, CancellationToken cancellationToken)
    {
        var results = new List<ReceiptCheck>();
        foreach (var message in delivered.Where(m => m.Receipt is not null))
        {
            var receipt = message.Receipt!;
            ReceiptCheck Result(bool ok, string detail) => new(message.MessageId, message.Partner, receipt.LogIndex, receipt.TreeSize, ok, detail);
            var partner = partners.Find(message.Partner);
            if (partner is null)
            {
                results.Add(Result(false, $"partner {message.Partner} is no longer configured"));
                continue;
            }

            try
            {
                results.Add(Result(true, await CheckOneAsync(message, partner, cancellationToken)));
            }
            catch (TrustException e)
            {
                results.Add(Result(false, $"{e.ReasonCode}: {e.Message}"));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A partner's malformed answer or a timeout fails that receipt, not the whole check.
                results.Add(Result(false, $"{e.GetType().Name}: {e.Message}"));
            }
        }

        return results;
    }

    private async Task<string> CheckOneAsync(OutboxMessage message, Partner partner, CancellationToken cancellationToken)
    {
        var receipt = message.Receipt!;
        var now = time.GetUtcNow();
        var request = new ProofRequest(receipt.LogIndex, receipt.TreeSize);
        var header = new ExchangeHeader(Guid.NewGuid(), message.ConversationId, config.NodeId, partner.Country, ProofService.RequestType, now);
        var signed = CoseEnvelope.Sign(header, "application/json", JsonSerializer.SerializeToUtf8Bytes(request, ProofService.Json), credential);
        var reply = await FetchAsync(partner, request, signed, cancellationToken);

        var verified = CoseEnvelope.Verify(reply, partner.Trust, now);
        if (verified.Header.DocumentType != ProofService.ResponseType)
        {
            throw new TrustException(ReasonCodes.Malformed, $"{partner.Country} answered with a {verified.Header.DocumentType}");
        }

        var proof = JsonSerializer.Deserialize<ProofResponse>(verified.Payload, ProofService.Json) ?? throw new TrustException(ReasonCodes.Malformed, "empty proof");
        var encoding = Convert.FromBase64String(proof.EntryEncoding);
        var entry = LogEntry.Decode(encoding);
        var expectedVerdict = receipt.Status == Exchange.Receipt.Accepted ? nameof(Verdict.Accepted) : nameof(Verdict.Rejected);
        if (entry.Index != receipt.LogIndex || entry.MessageId != message.MessageId.ToString("D") || !entry.RawHash.AsSpan().SequenceEqual(receipt.ReceivedDigest)
            || !entry.Partner.Equals(config.NodeId, StringComparison.OrdinalIgnoreCase) || entry.Verdict != expectedVerdict)
        {
            throw new TrustException(ReasonCodes.BadSignature,
                $"{partner.Country}'s entry {entry.Index} now says message {entry.MessageId}, verdict {entry.Verdict}; its receipt said {message.MessageId}, {receipt.Status}, and the digest of what we sent");
        }

        var leaf = MerkleTree.LeafHash(encoding);
        if (!MerkleProofs.VerifyInclusion(receipt.LogIndex, receipt.TreeSize, leaf, [.. proof.InclusionPath.Select(Convert.FromBase64String)], receipt.RootHash))
        {
            throw new TrustException(ReasonCodes.BadSignature, $"{partner.Country}'s entry {receipt.LogIndex} as stored now is not the one in the tree its receipt signed (size {receipt.TreeSize}): it was edited");
        }

        var root = Convert.FromBase64String(proof.RootHash);
        var signedHead = SignedTreeHead.Encode(proof.TreeSize, root, proof.TreeHeadTime);
        if (!partner.Trust.Pins.Any(p => NodeCredential.VerifyData(p.Certificate, signedHead, Convert.FromBase64String(proof.TreeHeadSignature))))
        {
            throw new TrustException(ReasonCodes.BadSignature, $"{partner.Country}'s tree head at size {proof.TreeSize} is not signed by a key pinned for it");
        }

        if (!MerkleProofs.VerifyConsistency(receipt.TreeSize, proof.TreeSize, receipt.RootHash, root, [.. proof.ConsistencyPath.Select(Convert.FromBase64String)]))
        {
            throw new TrustException(ReasonCodes.BadSignature, $"{partner.Country}'s log at size {proof.TreeSize} is not an extension of the tree its receipt signed at size {receipt.TreeSize}: it was rewritten");
        }

        return $"entry {receipt.LogIndex} is still in {partner.Country}'s log, which grew consistently from size {receipt.TreeSize} to {proof.TreeSize}";
    }

    private async Task<byte[]> FetchAsync(Partner partner, ProofRequest request, byte[] signed, CancellationToken cancellationToken)
    {
        if (partner.Profile.Transport == TransportKind.Grpc)
        {
            using var channel = GrpcChannel.ForAddress(partner.Profile.Endpoints.Grpc, new GrpcChannelOptions { HttpHandler = connections.CreateHandler() });
            try
            {
                var reply = await new Transport.Grpc.V1.Exchange.ExchangeClient(channel).ProofAsync(
                    new Transport.Grpc.V1.Envelope { CoseSign1 = ByteString.CopyFrom(signed) }, deadline: DateTime.UtcNow + config.PartnerTimeout, cancellationToken: cancellationToken);
                return reply.CoseSign1.ToByteArray();
            }
            catch (RpcException e)
            {
                throw new TrustException(e.Trailers.GetValue(Transport.Grpc.ExchangeService.ReasonTrailer) ?? ReasonCodes.Internal, $"{partner.Country} refused the proof request: {e.Status.Detail}");
            }
        }

        using var http = new HttpClient(connections.CreateHandler()) { Timeout = config.PartnerTimeout };
        using var get = new HttpRequestMessage(HttpMethod.Get,
            $"{partner.Profile.Endpoints.Soap.TrimEnd('/')}/n2n/{config.NodeId.ToLowerInvariant()}/log/proof?index={request.Index}&size={request.TreeSize}");
        get.Headers.Add(SoapEndpoint.ProofRequestHeader, Convert.ToBase64String(signed));
        get.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/cose"));
        try
        {
            using var response = await http.SendAsync(get, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return response.IsSuccessStatusCode
                ? body
                : throw new TrustException(ReasonCodes.Internal, $"{partner.Country} refused the proof request: HTTP {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        }
        catch (HttpRequestException e)
        {
            throw new TrustException(ReasonCodes.Internal, $"{partner.Country} is not reachable: {e.Message}");
        }
    }
}
