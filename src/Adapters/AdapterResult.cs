using N2N.Adapters.Canonical;

namespace N2N.Adapters;

/// <summary>Why a document was refused: a stable reason code, the rule id for rule violations, and a readable message.</summary>
public sealed record AdapterError(string ReasonCode, string? RuleId, string Message)
{
    /// <summary>Not well-formed, wrong encoding, truncated.</summary>
    public static AdapterError Malformed(string message) => new("MALFORMED", null, message);

    /// <summary>Well-formed but not the expected structure (missing/unknown element, bad date or number).</summary>
    public static AdapterError SchemaInvalid(string message) => new("SCHEMA_INVALID", null, message);

    /// <summary>Structurally fine but breaks a validation rule.</summary>
    public static AdapterError RuleViolation(string ruleId, string message) => new("RULE_VIOLATION", ruleId, message);
}

/// <summary>The outcome of <see cref="IDocumentAdapter.ToCanonical"/>: a document or an error, never both.</summary>
public sealed record AdapterResult
{
    public CanonicalDocument? Document { get; private init; }
    public AdapterError? Error { get; private init; }
    public bool IsSuccess => Document is not null;

    public static AdapterResult Ok(CanonicalDocument document) => new() { Document = document };
    public static AdapterResult Fail(AdapterError error) => new() { Error = error };
}
