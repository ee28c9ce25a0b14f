using N2N.Adapters.Canonical;
using N2N.Node.Configuration;
using N2N.Node.Exchange;

namespace N2N.Node.Registry;

/// <summary>Answers partners' live status queries about our own AEOs, from our own list.</summary>
public sealed class AeoQueryHandler(IAeoRegistry registry, NodeConfig config) : IQueryHandler
{
    public string QueryType => AeoStatusQuery.TypeName;

    public string ResponseType => AeoStatusResponse.TypeName;

    public async Task<CanonicalDocument> AnswerAsync(string partner, CanonicalDocument query, CancellationToken cancellationToken)
    {
        var q = (AeoStatusQuery)query;
        var answer = await registry.QueryAsync(config.NodeId, q.AeoId, q.AsOfDate, cancellationToken);
        return new AeoStatusResponse { RequestId = q.RequestId, Found = answer.Record is not null, AsOfDate = q.AsOfDate, Record = answer.Record };
    }
}
