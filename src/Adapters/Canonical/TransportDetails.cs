namespace N2N.Adapters.Canonical;

/// <summary>Means of transport and route (WCO Data Model: BorderTransportMeans, loading and discharge locations).</summary>
public sealed record TransportDetails
{
    public required DateOnly DepartureDate { get; init; }

    /// <summary>True when the departure date is an estimate made before shipment.</summary>
    public required bool DepartureDateEstimated { get; init; }

    /// <summary>UN/ECE Recommendation 19 mode of transport code (<c>1</c> maritime, <c>4</c> air).</summary>
    public required string ModeCode { get; init; }

    /// <summary>Vessel and voyage, or flight.</summary>
    public string? MeansId { get; init; }

    /// <summary>UN/LOCODE of the place of loading.</summary>
    public required string LoadingLocation { get; init; }

    /// <summary>UN/LOCODE of the place of discharge.</summary>
    public required string DischargeLocation { get; init; }
}
