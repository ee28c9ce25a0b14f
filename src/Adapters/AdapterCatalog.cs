using N2N.Adapters.Aeo;
using N2N.Adapters.Canonical;
using N2N.Adapters.EcfaCo;
using N2N.Adapters.Rules;

namespace N2N.Adapters;

/// <summary>The registered adapters, and translation of partner or canonical documents into validated canonical form.</summary>
/// <remarks>
/// An adapter is identified by its id and document type together: one format id may serve several document types (e.g.
/// <c>n2n.canonical/1</c> for <c>aeo.status-query</c> and <c>aeo.status-response</c>), one instance per type. The
/// node's partner profile maps a document type to an adapter id, so it resolves with <see cref="Find(string, string)"/>;
/// <see cref="Find(string)"/> serves ids that name a single adapter.
/// </remarks>
public sealed class AdapterCatalog
{
    private readonly Dictionary<(string Id, string DocumentType), IDocumentAdapter> _byKey = [];
    private readonly Dictionary<string, List<IDocumentAdapter>> _byId = new(StringComparer.Ordinal);
    private readonly List<IDocumentAdapter> _ordered = [];

    /// <summary>Registers adapters in the given order, which is the order <see cref="Detect"/> tries them in.</summary>
    /// <exception cref="ArgumentException">Two adapters share an id and a document type.</exception>
    public AdapterCatalog(IEnumerable<IDocumentAdapter> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        foreach (IDocumentAdapter adapter in adapters)
        {
            ArgumentNullException.ThrowIfNull(adapter, nameof(adapters));
            if (!_byKey.TryAdd((adapter.Id, adapter.DocumentType), adapter))
            {
                throw new ArgumentException($"Adapter id '{adapter.Id}' is registered twice for {adapter.DocumentType}.", nameof(adapters));
            }

            if (!_byId.TryGetValue(adapter.Id, out List<IDocumentAdapter>? sameId))
            {
                _byId.Add(adapter.Id, sameId = []);
            }

            sameId.Add(adapter);
            _ordered.Add(adapter);
        }
    }

    /// <summary>All adapters, in registration order.</summary>
    public IReadOnlyCollection<IDocumentAdapter> Adapters => _ordered.AsReadOnly();

    /// <summary>
    /// The adapters built into this assembly, in this order: <c>tw.trade.ecfa-co/1</c>, <c>cn.customs.ecfa-co/1</c>
    /// (<c>ecfa.co</c>); <c>us.cbp.ctpat-list/1</c>, <c>kr.customs.aeo-list/1</c>, <c>jp.customs.aeo-csv/1</c>
    /// (<c>aeo.status-list</c>); <c>n2n.canonical/1</c> for <c>aeo.status-query</c> and for <c>aeo.status-response</c>.
    /// </summary>
    public static AdapterCatalog CreateBuiltIn() => new(
    [
        new TaiwanEcfaCoAdapter(),
        new MainlandEcfaCoAdapter(),
        new UsCtpatListAdapter(),
        new KoreaAeoListAdapter(),
        new JapanAeoCsvAdapter(),
        new CanonicalJsonAdapter(AeoStatusQuery.TypeName),
        new CanonicalJsonAdapter(AeoStatusResponse.TypeName),
    ]);

    /// <summary>The adapter with this id (e.g. <c>cn.customs.ecfa-co/1</c>), or null when none is registered.</summary>
    /// <exception cref="InvalidOperationException">The id serves several document types; use <see cref="Find(string, string)"/>.</exception>
    public IDocumentAdapter? Find(string adapterId)
    {
        ArgumentNullException.ThrowIfNull(adapterId);
        if (!_byId.TryGetValue(adapterId, out List<IDocumentAdapter>? adapters))
        {
            return null;
        }

        return adapters.Count == 1
            ? adapters[0]
            : throw new InvalidOperationException(
                $"Adapter id '{adapterId}' serves {string.Join(", ", adapters.Select(a => a.DocumentType))}; name the document type.");
    }

    /// <summary>The adapter with this id for this document type (e.g. <c>n2n.canonical/1</c>, <c>aeo.status-query</c>), or null.</summary>
    public IDocumentAdapter? Find(string adapterId, string documentType)
    {
        ArgumentNullException.ThrowIfNull(adapterId);
        ArgumentNullException.ThrowIfNull(documentType);
        return _byKey.TryGetValue((adapterId, documentType), out IDocumentAdapter? adapter) ? adapter : null;
    }

    /// <summary>The first adapter of this document type that recognises the document, or null.</summary>
    public IDocumentAdapter? Detect(ReadOnlySpan<byte> document, string documentType)
    {
        foreach (IDocumentAdapter adapter in _ordered)
        {
            if (string.Equals(adapter.DocumentType, documentType, StringComparison.Ordinal) && adapter.CanRead(document))
            {
                return adapter;
            }
        }

        return null;
    }

    /// <summary>Partner document to canonical form, then every validation rule. Never throws for bad input.</summary>
    public Translation Translate(IDocumentAdapter adapter, ReadOnlyMemory<byte> document)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return Validate(adapter.ToCanonical(document));
    }

    /// <summary>Canonical JSON to a document, then every validation rule. Never throws for bad input.</summary>
    public Translation ReadCanonical(ReadOnlyMemory<byte> canonicalJson) => Validate(CanonicalJson.Parse(canonicalJson));

    /// <summary>Renders a canonical document in the adapter's partner format.</summary>
    /// <exception cref="ArgumentException">The adapter handles another document type, or cannot express this document.</exception>
    public byte[] Render(IDocumentAdapter adapter, CanonicalDocument document)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(document);
        if (!string.Equals(adapter.DocumentType, document.DocumentType, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Adapter {adapter.Id} handles {adapter.DocumentType}, not {document.DocumentType}.", nameof(document));
        }

        return adapter.FromCanonical(document);
    }

    private static Translation Validate(AdapterResult result)
    {
        if (result.Document is not { } document)
        {
            return new Translation(null, null, result.Error ?? AdapterError.SchemaInvalid("The adapter returned neither a document nor an error."));
        }

        IReadOnlyList<RuleViolation> violations = DocumentRules.Validate(document);
        return DocumentRules.ToError(violations) is { } error
            ? new Translation(document, null, error) { Violations = violations }
            : new Translation(document, CanonicalJson.Serialize(document), null);
    }
}
