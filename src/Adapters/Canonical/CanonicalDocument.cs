using System.Text.Json.Serialization;

namespace N2N.Adapters.Canonical;

/// <summary>A document in the node's canonical model; each exchange document type is one sealed subtype.</summary>
/// <remarks>
/// New document types (<c>aeo.status-list</c>, <c>aeo.status-query</c>, <c>aeo.status-response</c>) are added as
/// further subtypes and registered in <see cref="CanonicalJson"/>; nothing else dispatches on the concrete type.
/// </remarks>
public abstract record CanonicalDocument
{
    /// <summary>The exchange document type, e.g. <c>ecfa.co</c>; serialised as <c>documentType</c>.</summary>
    [JsonPropertyOrder(-1)]
    public abstract string DocumentType { get; }
}
