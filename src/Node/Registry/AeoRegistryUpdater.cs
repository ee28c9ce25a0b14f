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
public sealed class AeoRegistryUpdater(IAeoRegistry registry, IExchangeStore store, PartnerDirectory partners, IEnumerable<IMessageBinding> bindings) : IInboundHandler, IDisposable
{
    // Handlers of concurrent commits run in any order; applying is always "everything after the last applied, in log
    // order", one at a time, so the registry never depends on which handler ran first.
    private readonly SemaphoreSlim _applyLock = new(1, 1);

    public async Task HandleAsync(AcceptedMessage message, CancellationToken cancellationToken)
    {
        if (message.Document is AeoStatusList)
        {
            await CatchUpAsync(cancellationToken);
        }
    }

    /// <summary>Applies accepted lists logged after the last one the registry holds, in log order.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            return await ApplyFromAsync(await registry.LastAppliedLogIndexAsync(cancellationToken) + 1, cancellationToken);
        }
        finally
        {
            _applyLock.Release();
        }
    }

    public void Dispose() => _applyLock.Dispose();

    private async Task<int> ApplyFromAsync(long from, CancellationToken cancellationToken)
    {
        var applied = 0;
        while (true)
        {
            var page = await store.ListAsync(new LogQuery(from, 1000, Direction.In, null, Verdict.Accepted), cancellationToken);
            foreach (var entry in page.Where(e => e.Draft.DocumentType == AeoStatusList.TypeName && e.Draft.CanonicalJson is not null))
            {
                // Only a partner's own list counts (the pipeline refuses others; older logs may still hold one).
                if (CanonicalJson.Parse(entry.Draft.CanonicalJson).Document is AeoStatusList list && string.Equals(list.IssuingCountry, entry.Draft.Partner, StringComparison.OrdinalIgnoreCase))
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
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            var before = await registry.StateDigestAsync(cancellationToken);
            await registry.ClearPartnerStateAsync(cancellationToken);
            var lists = await ApplyFromAsync(0, cancellationToken);
            return (before, await registry.StateDigestAsync(cancellationToken), lists);
        }
        finally
        {
            _applyLock.Release();
        }
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
