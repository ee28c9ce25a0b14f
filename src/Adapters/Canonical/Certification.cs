namespace N2N.Adapters.Canonical;

/// <summary>Box 15: certification by the issuing authority.</summary>
public sealed record Certification
{
    public required string Authority { get; init; }

    public required string Place { get; init; }

    public required DateOnly Date { get; init; }

    public required string Signatory { get; init; }
}
