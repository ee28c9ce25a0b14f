using System.Text.Json;
using System.Text.Json.Serialization;

namespace N2N.Adapters.Canonical;

/// <summary>An ECFA certificate of origin (document type <c>ecfa.co</c>), boxes 1–15 of the form.</summary>
/// <remarks>
/// Record equality compares the lists by reference; compare documents by their canonical JSON
/// (<see cref="CanonicalJson.Serialize"/>) when value equality is needed.
/// </remarks>
public sealed record CertificateOfOrigin : CanonicalDocument, IJsonOnDeserialized
{
    /// <summary>The document type string of this record.</summary>
    public const string TypeName = "ecfa.co";

    /// <inheritdoc />
    public override string DocumentType => TypeName;

    public required string CertificateNumber { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the side that issued the certificate.</summary>
    public required string IssuingCountry { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the importing side.</summary>
    public required string ImportingCountry { get; init; }

    public required DateOnly IssueDate { get; init; }

    public required DateOnly ValidUntil { get; init; }

    /// <summary>Issued after shipment (retroactively); it must then name the export declaration.</summary>
    public required bool Retroactive { get; init; }

    public string? ExportDeclarationNumber { get; init; }

    /// <summary>Box 1.</summary>
    public required TradeParty Exporter { get; init; }

    /// <summary>Box 2; empty when the producer is not disclosed.</summary>
    public required IReadOnlyList<TradeParty> Producers { get; init; }

    /// <summary>Box 3.</summary>
    public required TradeParty Importer { get; init; }

    /// <summary>Box 4.</summary>
    public required TransportDetails Transport { get; init; }

    /// <summary>Box 6.</summary>
    public string? Remarks { get; init; }

    /// <summary>Boxes 7–13, one entry per goods item.</summary>
    public required IReadOnlyList<GoodsItem> Items { get; init; }

    /// <summary>Box 14.</summary>
    public required ExporterDeclaration ExporterDeclaration { get; init; }

    /// <summary>Box 15.</summary>
    public required Certification Certification { get; init; }

    // The serializer's nullability checks stop at collection elements; a null inside a list is refused here so that
    // the rules and adapters never meet one.
    void IJsonOnDeserialized.OnDeserialized()
    {
        if (Producers.Any(p => p is null) || Items.Any(i => i is null || i.OriginMarkers.Any(m => m is null)))
        {
            throw new JsonException("A list in the certificate holds null.");
        }
    }
}
