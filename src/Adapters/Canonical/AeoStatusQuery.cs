namespace N2N.Adapters.Canonical;

/// <summary>"Is this operator a valid AEO of yours on this date?" (document type <c>aeo.status-query</c>).</summary>
public sealed record AeoStatusQuery : CanonicalDocument
{
    /// <summary>The document type string of this record.</summary>
    public const string TypeName = "aeo.status-query";

    /// <inheritdoc />
    public override string DocumentType => TypeName;

    /// <summary>Chosen by the requester and echoed in the response.</summary>
    public required string RequestId { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the side that asks.</summary>
    public required string RequestingCountry { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the side whose programme is asked about.</summary>
    public required string PartnerCountry { get; init; }

    /// <summary>The operator's AEO number in the partner's programme.</summary>
    public required string AeoId { get; init; }

    /// <summary>The date the status is asked for.</summary>
    public required DateOnly AsOfDate { get; init; }
}
