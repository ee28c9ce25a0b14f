using N2N.Adapters.Canonical;

namespace N2N.Adapters;

/// <summary>Translates one partner format of one document type to and from the canonical model.</summary>
/// <remarks>
/// Implementations are pure and deterministic: no I/O, no clock, no crypto. The same bytes always give
/// the same canonical document, which is what makes an auditor's replay meaningful.
/// </remarks>
public interface IDocumentAdapter
{
    /// <summary>Stable id with version, e.g. <c>cn.customs.ecfa-co/1</c>; recorded in every log entry.</summary>
    /// <remarks>
    /// Unique together with <see cref="DocumentType"/>: a format that carries several document types (such as
    /// <c>n2n.canonical/1</c>) has one adapter per type, all with the same id.
    /// </remarks>
    string Id { get; }

    /// <summary>The exchange document type this adapter handles, e.g. <c>ecfa.co</c>.</summary>
    string DocumentType { get; }

    /// <summary>True when the bytes look like this format (root element and namespace, or content shape).</summary>
    bool CanRead(ReadOnlySpan<byte> document);

    /// <summary>Parses the partner document into the canonical model; never throws for bad input.</summary>
    AdapterResult ToCanonical(ReadOnlyMemory<byte> document);

    /// <summary>Renders a canonical document in this partner format (UTF-8 bytes).</summary>
    byte[] FromCanonical(CanonicalDocument document);
}
