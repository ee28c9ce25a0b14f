namespace N2N.Adapters.Canonical;

/// <summary>The canonical JSON itself as a wire format, <c>n2n.canonical/1</c>, for one document type.</summary>
/// <remarks>
/// AEO status queries and responses travel in canonical JSON, so this format has one instance per document type, all
/// sharing the id <c>n2n.canonical/1</c>; <see cref="AdapterCatalog"/> keys adapters by (id, document type), and a
/// partner profile's mapping of document type to adapter id resolves with
/// <see cref="AdapterCatalog.Find(string, string)"/>. Reading is <see cref="CanonicalJson.Parse"/> plus a check that the
/// document is of this instance's type; rendering is <see cref="CanonicalJson.Serialize"/> (RFC 8785 bytes), so what
/// travels is byte for byte what is hashed.
/// </remarks>
public sealed class CanonicalJsonAdapter : IDocumentAdapter
{
    /// <summary>The adapter id, shared by every instance.</summary>
    public const string AdapterId = "n2n.canonical/1";

    /// <summary>The adapter for canonical documents of this type.</summary>
    /// <exception cref="ArgumentException"><see cref="CanonicalJson"/> does not know the document type.</exception>
    public CanonicalJsonAdapter(string documentType)
    {
        ArgumentNullException.ThrowIfNull(documentType);
        if (!CanonicalJson.DocumentTypes.Contains(documentType))
        {
            throw new ArgumentException($"'{documentType}' is not a canonical document type ({string.Join(", ", CanonicalJson.DocumentTypes)}).", nameof(documentType));
        }

        DocumentType = documentType;
    }

    /// <inheritdoc />
    public string Id => AdapterId;

    /// <inheritdoc />
    public string DocumentType { get; }

    /// <inheritdoc />
    /// <remarks>A JSON object whose top-level <c>documentType</c> is this adapter's document type.</remarks>
    public bool CanRead(ReadOnlySpan<byte> document) => PartnerJson.HeadHasMember(document, "documentType", DocumentType);

    /// <inheritdoc />
    public AdapterResult ToCanonical(ReadOnlyMemory<byte> document)
    {
        AdapterResult result = CanonicalJson.Parse(document);
        return result.Document is { } parsed && parsed.DocumentType != DocumentType
            ? AdapterResult.Fail(AdapterError.SchemaInvalid($"The canonical document is a {parsed.DocumentType}; {AdapterId} here reads {DocumentType}."))
            : result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The document is of another type.</exception>
    public byte[] FromCanonical(CanonicalDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.DocumentType == DocumentType
            ? CanonicalJson.Serialize(document)
            : throw new ArgumentException($"This {AdapterId} adapter renders {DocumentType}, not {document.DocumentType}.", nameof(document));
    }
}
