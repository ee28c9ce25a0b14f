using N2N.Adapters.Canonical;
using N2N.Adapters.EcfaCo;
using N2N.Adapters.Rules;

namespace N2N.Adapters;

/// <summary>The registered adapters, and translation of partner or canonical documents into validated canonical form.</summary>
public sealed class AdapterCatalog
{
    private readonly Dictionary<string, IDocumentAdapter> _byId = new(StringComparer.Ordinal);
    private readonly List<IDocumentAdapter> _ordered = [];

    /// <summary>Registers adapters in the given order, which is the order <see cref="Detect"/> tries them in.</summary>
    /// <exception cref="ArgumentException">Two adapters share an id.</exception>
    public AdapterCatalog(IEnumerable<IDocumentAdapter> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        foreach (IDocumentAdapter adapter in adapters)
        {
            ArgumentNullException.ThrowIfNull(adapter, nameof(adapters));
            if (!_byId.TryAdd(adapter.Id, adapter))
            {
                throw new ArgumentException($"Adapter id '{adapter.Id}' is registered twice.", nameof(adapters));
            }

            _ordered.Add(adapter);
        }
    }

    /// <summary>All adapters, in registration order.</summary>
    public IReadOnlyCollection<IDocumentAdapter> Adapters => _ordered.AsReadOnly();

    /// <summary>The adapters built into this assembly: <c>tw.trade.ecfa-co/1</c> and <c>cn.customs.ecfa-co/1</c>.</summary>
    public static AdapterCatalog CreateBuiltIn() => new([new TaiwanEcfaCoAdapter(), new MainlandEcfaCoAdapter()]);

    /// <summary>The adapter with this id (e.g. <c>cn.customs.ecfa-co/1</c>), or null.</summary>
    public IDocumentAdapter? Find(string adapterId) =>
        _byId.TryGetValue(adapterId, out IDocumentAdapter? adapter) ? adapter : null;

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
