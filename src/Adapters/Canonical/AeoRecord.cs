using System.Text.Json;
using System.Text.Json.Serialization;

namespace N2N.Adapters.Canonical;

/// <summary>One operator's entry in an AEO status list or status response (AEO MRA data elements).</summary>
/// <remarks>
/// <see cref="Status"/> is a string rather than an enum so that a partner code the adapter does not know reaches the
/// <c>aeo.status</c> rule verbatim and is refused with that rule id, not lost as a parse error.
/// </remarks>
public sealed record AeoRecord : IJsonOnDeserialized
{
    /// <summary>The operator's AEO number in its programme, e.g. <c>220300123456</c> or <c>CTPAT-7741</c>.</summary>
    public required string AeoId { get; init; }

    /// <summary>The issuing programme, e.g. <c>KR-AEO</c>, <c>JP-AEO</c>, <c>US-CTPAT</c>.</summary>
    public required string Programme { get; init; }

    /// <summary>The programme's grade or tier as the programme names it (<c>AAA</c>, <c>3</c>); absent when the programme has none.</summary>
    public string? Tier { get; init; }

    /// <summary>One of <see cref="AeoStatus"/>; anything else breaks the <c>aeo.status</c> rule.</summary>
    public required string Status { get; init; }

    /// <summary>The registered legal name, in the issuing country's script.</summary>
    public required string LegalName { get; init; }

    /// <summary>The legal name in Latin script, when the list gives one besides <see cref="LegalName"/>.</summary>
    public string? LegalNameLatin { get; init; }

    /// <summary>The address as one line.</summary>
    public required string Address { get; init; }

    /// <summary>National identifiers (schemes <c>KR-BRN</c>, <c>JP-CN</c>, <c>US-EIN</c>, …); may be empty.</summary>
    public required IReadOnlyList<PartyIdentifier> NationalIds { get; init; }

    /// <summary>Date of certification.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>End of the certification, when the programme sets one; must be after <see cref="ValidFrom"/>.</summary>
    public DateOnly? ValidTo { get; init; }

    /// <summary>The date the current <see cref="Status"/> took effect.</summary>
    public required DateOnly StatusDate { get; init; }

    void IJsonOnDeserialized.OnDeserialized()
    {
        if (NationalIds.Any(id => id is null))
        {
            throw new JsonException($"AEO {AeoId}: nationalIds holds null.");
        }
    }
}

/// <summary>The canonical AEO status values.</summary>
public static class AeoStatus
{
    public const string Valid = "valid";
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
    public const string Expired = "expired";

    /// <summary>Every canonical status, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Valid, Suspended, Revoked, Expired];

    /// <summary>True for one of the canonical status values (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string? status) => status is Valid or Suspended or Revoked or Expired;
}
