namespace N2N.Adapters.Canonical;

/// <summary>A party named on a document (WCO Data Model: Exporter, Manufacturer, Importer).</summary>
public sealed record TradeParty
{
    public required string Name { get; init; }

    public string? Address { get; init; }

    public PartyIdentifier? Id { get; init; }

    public string? Phone { get; init; }

    public string? Fax { get; init; }

    public string? Email { get; init; }
}

/// <summary>A national party identifier, e.g. scheme <c>TW-BAN</c>, <c>CN-CUSTOMS</c>, <c>KR-BRN</c>, <c>JP-CN</c>.</summary>
public sealed record PartyIdentifier
{
    public required string Scheme { get; init; }

    public required string Value { get; init; }
}
