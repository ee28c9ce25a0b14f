using System.Text.Json;
using System.Text.Json.Serialization;

namespace N2N.Adapters.Canonical;

/// <summary>A partner's list of its AEOs and their status (document type <c>aeo.status-list</c>), full or delta.</summary>
/// <remarks>
/// A <c>full</c> list replaces everything known from the issuing country; a <c>delta</c> list replaces only the records
/// it names (matched on <see cref="AeoRecord.AeoId"/>). Record equality compares the lists by reference; compare
/// documents by their canonical JSON (<see cref="CanonicalJson.Serialize"/>) when value equality is needed.
/// </remarks>
public sealed record AeoStatusList : CanonicalDocument, IJsonOnDeserialized
{
    /// <summary>The document type string of this record.</summary>
    public const string TypeName = "aeo.status-list";

    /// <inheritdoc />
    public override string DocumentType => TypeName;

    /// <summary>ISO 3166-1 alpha-2 code of the customs administration that publishes the list.</summary>
    public required string IssuingCountry { get; init; }

    /// <summary>The list's identifier as the issuer numbers it.</summary>
    public required string ListId { get; init; }

    /// <summary><see cref="AeoListKind.Full"/> or <see cref="AeoListKind.Delta"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The date the list describes (base date).</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>The operators on the list; a delta may be empty.</summary>
    public required IReadOnlyList<AeoRecord> Records { get; init; }

    // The kind decides how the list is applied, so an unknown kind is a schema error rather than a rule to report.
    void IJsonOnDeserialized.OnDeserialized()
    {
        if (!AeoListKind.IsKnown(Kind))
        {
            throw new JsonException($"kind '{Kind}' is not {AeoListKind.Full} or {AeoListKind.Delta}.");
        }

        if (Records.Any(r => r is null))
        {
            throw new JsonException("records holds null.");
        }
    }
}

/// <summary>The kinds of AEO status list.</summary>
public static class AeoListKind
{
    /// <summary>The complete list as of its date.</summary>
    public const string Full = "full";

    /// <summary>Only the records that changed since the previous list.</summary>
    public const string Delta = "delta";

    public static bool IsKnown(string? kind) => kind is Full or Delta;
}
