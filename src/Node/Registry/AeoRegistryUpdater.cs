using N2N.Adapters.Canonical;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;

namespace N2N.Node.Registry;

/// <summary>
/// Feeds partners' AEO lists from the log into the registry: live after each commit, at start-up for anything a
/// crash left unapplied, and from scratch on <c>aeo rebuild</c>. All three apply the same entries in log order.
/// </summary>
public sealed class AeoRegistryUpdater(IAeoRegistry registry, IExchangeStore store, PartnerDirectory partners, IEnumerable<IMessageBinding> bindings) : IInboundHandler
{
    public Task HandleAsync(AcceptedMessage message, CancellationToken cancellationToken) =>
        message.Document is AeoStatusList list
            ? registry.ApplyAsync(list, Provenance(message.LogIndex, message.Header.MessageId.ToString("D"), message.Signer.Subject, message.Received, list), cancellationToken)
            : Task.CompletedTask;

    /// <summary>Applies accepted lists logged after the last one the registry holds.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        var applied = 0;
        var from = await registry.LastAppliedLogIndexAsync(cancellationToken) + 1;
        while (true)
        {
            var page = await store.ListAsync(new LogQuery(from, 1000, Direction.In, null, Verdict.Accepted), cancellationToken);
            foreach (var entry in page.Where(e => e.Draft.DocumentType == AeoStatusList.TypeName && e.Draft.CanonicalJson is not null))
            {
                if (CanonicalJson.Parse(entry.Draft.CanonicalJson).Document is AeoStatusList list)
                {
                    await registry.ApplyAsync(list, Provenance(entry.Index, entry.Draft.MessageId, SignerOf(entry), entry.Draft.Time, list), cancellationToken);
                    applied++;
                }
            }

            if (page.Count < 1000)
            {
                return applied;
            }

            from = page[^1].Index + 1;
        }
    }

    /// <summary>Forgets the derived partner state and re-applies every accepted list in the log.</summary>
    public async Task<(string Before, string After, int Lists)> RebuildAsync(CancellationToken cancellationToken)
    {
        var before = await registry.StateDigestAsync(cancellationToken);
        await registry.ClearPartnerStateAsync(cancellationToken);
        var lists = await CatchUpAsync(cancellationToken);
        return (before, await registry.StateDigestAsync(cancellationToken), lists);
    }

    /// <summary>Who signed a logged message: re-verified from its raw bytes against the certificate pinned at its time.</summary>
    private string? SignerOf(LogEntry entry)
    {
        var partner = partners.Find(entry.Draft.Partner);
        var binding = bindings.FirstOrDefault(b => b.Name == entry.Draft.Transport);
        if (partner is null || binding is null)
        {
            return null;
        }

        try
        {
            return binding.Verify(entry.Draft.Raw, partner.Trust, entry.Draft.Time).Signer.Subject;
        }
        catch (TrustException)
        {
            return null;
        }
    }

    private static AeoProvenance Provenance(long index, string? messageId, string? signer, DateTimeOffset received, AeoStatusList list) =>
        new("partner", list.ListId, list.Kind, list.AsOf, index, messageId, signer, received);
}
