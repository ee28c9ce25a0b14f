namespace N2N.Adapters.Canonical;

/// <summary>One goods item of a certificate (WCO Data Model: GovernmentAgencyGoodsItem).</summary>
public sealed record GoodsItem
{
    /// <summary>Box 7: item number, 1 to n in order.</summary>
    public required int ItemNumber { get; init; }

    /// <summary>Box 8: HS code, 8 plain digits.</summary>
    public required string HsCode { get; init; }

    /// <summary>Box 9.</summary>
    public required string Description { get; init; }

    public required int PackageCount { get; init; }

    /// <summary>UN/ECE Recommendation 21 package kind code (<c>CS</c> case, <c>CT</c> carton).</summary>
    public required string PackageKindCode { get; init; }

    /// <summary>Box 10.</summary>
    public required Measure Quantity { get; init; }

    public Measure? GrossWeight { get; init; }

    /// <summary>Box 12: <c>WO</c>, <c>WP</c> or <c>PSR</c>.</summary>
    public required string OriginCriterion { get; init; }

    /// <summary>Box 12 qualifiers (<c>acu</c>, <c>dmi</c>, <c>fg</c>); always present, possibly empty.</summary>
    public required IReadOnlyList<string> OriginMarkers { get; init; }

    /// <summary>Box 13.</summary>
    public required InvoiceReference Invoice { get; init; }
}

/// <summary>A quantity with its UN/ECE Recommendation 20 unit code.</summary>
public sealed record Measure
{
    public required decimal Value { get; init; }

    public required string UnitCode { get; init; }
}

/// <summary>The commercial invoice an item is billed on (WCO Data Model: Invoice).</summary>
public sealed record InvoiceReference
{
    public required string Number { get; init; }

    public required DateOnly Date { get; init; }

    public required decimal Amount { get; init; }

    /// <summary>ISO 4217 currency code.</summary>
    public required string CurrencyCode { get; init; }
}
