namespace N2N.Adapters.Canonical;

/// <summary>Box 14: the exporter's declaration.</summary>
public sealed record ExporterDeclaration
{
    public required string Place { get; init; }

    public required DateOnly Date { get; init; }

    public required string Signatory { get; init; }
}
