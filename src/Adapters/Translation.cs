using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;

namespace N2N.Adapters;

/// <summary>A document translated to canonical form and validated: the document and its RFC 8785 bytes, or why it was refused.</summary>
/// <param name="Document">The canonical document; also set when it parsed but broke a rule (so it can be logged), null when it did not parse.</param>
/// <param name="CanonicalJson">RFC 8785 bytes of <paramref name="Document"/>; set only on success.</param>
/// <param name="Error">Why the document was refused; null on success.</param>
public sealed record Translation(CanonicalDocument? Document, byte[]? CanonicalJson, AdapterError? Error)
{
    /// <summary>Every rule violation found, in <see cref="RuleIds.EvaluationOrder"/>; empty unless rules failed.</summary>
    public IReadOnlyList<RuleViolation> Violations { get; init; } = [];

    /// <summary>True when the document parsed and passed every rule.</summary>
    public bool IsSuccess => Error is null && Document is not null && CanonicalJson is not null;
}
