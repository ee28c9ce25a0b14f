using N2N.Adapters;
using N2N.Adapters.Canonical;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Node.Transport.Grpc;
using N2N.Trust;
using N2N.Trust.Keys;

namespace N2N.Node.Registry;

/// <summary>Asks a partner node directly (gRPC Query) about one of its AEOs; both the query and the signed answer are logged.</summary>
public sealed class AeoLiveQuery(
    NodeConfig config,
    PartnerDirectory partners,
    AdapterCatalog adapters,
    IExchangeStore store,
    NodeCredential credential,
    GrpcBinding binding,
    IEnumerable<IPartnerChannel> channels,
    TimeProvider time)
{
    public async Task<AeoAnswer> AskAsync(string country, string aeoId, DateOnly date, CancellationToken cancellationToken)
    {
        var partner = partners.Find(country) ?? throw new TrustException(ReasonCodes.UnknownPartner, $"no partner '{country}' is configured");
        var queryAdapter = Route(partner, AeoStatusQuery.TypeName);
        var responseAdapter = Route(partner, AeoStatusResponse.TypeName);
        var pool = channels.OfType<GrpcChannelPool>().Single();

        var now = time.GetUtcNow();
        var query = new AeoStatusQuery { RequestId = Guid.NewGuid().ToString("D"), RequestingCountry = config.NodeId, PartnerCountry = partner.Country, AeoId = aeoId, AsOfDate = date };
        var header = new ExchangeHeader(Guid.NewGuid(), query.RequestId, config.NodeId, partner.Country, AeoStatusQuery.TypeName, now);
        var envelope = binding.Sign(header, adapters.Render(queryAdapter, query), partner.Country, null, credential, now);
        var sent = new LogEntryDraft
        {
            Time = now, Direction = Direction.Out, Partner = partner.Country, MessageId = header.MessageId.ToString("D"), DocumentType = header.DocumentType,
            Transport = binding.Name, Raw = envelope, Verdict = Verdict.Accepted, AdapterId = queryAdapter.Id, CanonicalJson = CanonicalJson.Serialize(query),
        };

        var reply = await pool.QueryAsync(pool.Destination(partner, config.NodeId), envelope, cancellationToken);
        if (reply.Reply is null)
        {
            await store.AppendAsync(sent with { Verdict = Verdict.Rejected, ReasonCode = reply.FaultCode ?? ReasonCodes.Internal, ReasonDetail = reply.Error }, cancellationToken);
            throw new TrustException(reply.FaultCode ?? ReasonCodes.Internal, $"{partner.Country} did not answer: {reply.Error}");
        }

        var verified = binding.Verify(reply.Reply, partner.Trust, time.GetUtcNow());
        if (verified.Header.DocumentType != AeoStatusResponse.TypeName || !verified.Header.To.Equals(config.NodeId, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrustException(ReasonCodes.Malformed, $"{partner.Country} answered with a {verified.Header.DocumentType} addressed to {verified.Header.To}");
        }

        var translation = adapters.Translate(responseAdapter, verified.Payload);
        if (translation.Document is not AeoStatusResponse response || response.RequestId != query.RequestId)
        {
            throw new TrustException(translation.Error?.ReasonCode ?? ReasonCodes.Malformed, translation.Error?.Message ?? "the answer is not the response to our query");
        }

        await store.AppendAsync(sent, cancellationToken);
        var received = await store.AppendAsync(new LogEntryDraft
        {
            Time = time.GetUtcNow(), Direction = Direction.In, Partner = partner.Country, MessageId = verified.Header.MessageId.ToString("D"),
            RelatedMessageId = header.MessageId.ToString("D"), DocumentType = AeoStatusResponse.TypeName, Transport = binding.Name, Raw = reply.Reply,
            Verdict = Verdict.Accepted, AdapterId = responseAdapter.Id, CanonicalJson = translation.CanonicalJson,
        }, cancellationToken);

        var provenance = new AeoProvenance("live", $"live answer {verified.Header.MessageId:D}", "live", response.AsOfDate, received.Index,
            verified.Header.MessageId.ToString("D"), verified.Signer.Subject, time.GetUtcNow());
        return AeoVerdict.Judge(partner.Country, aeoId, date, response.Record, provenance);
    }

    private IDocumentAdapter Route(Partner partner, string documentType) =>
        partner.Profile.Documents.TryGetValue(documentType, out var route) && adapters.Find(route.Adapter, documentType) is { } adapter
            ? adapter
            : throw new TrustException(ReasonCodes.NotAllowed, $"no agreed format for '{documentType}' with {partner.Country}");
}
