using System.Text.Json.Serialization;

namespace N2N.Adapters.Canonical;

/// <summary>A document in the node's canonical model; each exchange document type is one sealed subtype.</summary>
/// <remarks>
/// The subtypes are <see cref="CertificateOfOrigin"/> (<c>ecfa.co</c>), <see cref="AeoStatusList"/>,
/// <see cref="AeoStatusQuery"/> and <see cref="AeoStatusResponse"/>. A new document type is a further subtype registered
/// in <see cref="CanonicalJson"/>; besides that table only <see cref="Rules.DocumentRules"/> dispatches on the concrete type.
/// </remarks>
public abstract record CanonicalDocument
{
    /// <summary>The exchange document type, e.g. <c>ecfa.co</c>; serialised as <c>documentType</c>.</summary>
    [JsonPropertyOrder(-1)]
    public abstract string DocumentType { get; }
}
