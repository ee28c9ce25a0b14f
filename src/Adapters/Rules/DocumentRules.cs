using N2N.Adapters.Canonical;

namespace N2N.Adapters.Rules;

/// <summary>Runs every validation rule that applies to a canonical document.</summary>
public static class DocumentRules
{
    /// <summary>All violations, ordered by <see cref="RuleIds.EvaluationOrder"/> (stable within one rule); empty when valid.</summary>
    public static IReadOnlyList<RuleViolation> Validate(CanonicalDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        IEnumerable<RuleViolation> violations = document switch
        {
            CertificateOfOrigin co => CertificateOfOriginRules.Check(co),
            AeoStatusList list => AeoRules.Check(list),
            AeoStatusQuery query => AeoRules.Check(query),
            AeoStatusResponse response => AeoRules.Check(response),
            _ => [],
        };

        // OrderBy is stable, so a rule's own violations keep the order they were found in.
        return [.. violations.OrderBy(v => Rank(v.RuleId))];
    }

    /// <summary>One error for a set of violations: the first one's rule id, with every violated rule id in the message.</summary>
    public static AdapterError? ToError(IReadOnlyList<RuleViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count == 0)
        {
            return null;
        }

        RuleViolation first = violations[0];
        string all = string.Join(", ", violations.Select(v => v.RuleId).Distinct(StringComparer.Ordinal));
        return AdapterError.RuleViolation(first.RuleId, $"{first.Message} (violated: {all})");
    }

    private static int Rank(string ruleId)
    {
        IReadOnlyList<string> order = RuleIds.EvaluationOrder;
        for (int i = 0; i < order.Count; i++)
        {
            if (string.Equals(order[i], ruleId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
