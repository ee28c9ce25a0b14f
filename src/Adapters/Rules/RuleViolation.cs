namespace N2N.Adapters.Rules;

/// <summary>One broken validation rule: its stable id and what was wrong.</summary>
public sealed record RuleViolation(string RuleId, string Message);
