using N2N.Adapters.Canonical;

namespace N2N.Adapters.Rules;

/// <summary>The validation rules of AEO status lists, queries and responses.</summary>
internal static class AeoRules
{
    public static IEnumerable<RuleViolation> Check(AeoStatusList list) => list.Records.SelectMany(CheckRecord);

    public static IEnumerable<RuleViolation> Check(AeoStatusResponse response) =>
        response.Record is { } record ? CheckRecord(record) : [];

    // A query names an operator only by its AEO number, which has no check digit in any programme we know.
    public static IEnumerable<RuleViolation> Check(AeoStatusQuery query) => [];

    private static IEnumerable<RuleViolation> CheckRecord(AeoRecord record)
    {
        foreach (PartyIdentifier id in record.NationalIds)
        {
            if (PartyIdRules.Check(id.Scheme, id.Value, $"AEO {record.AeoId}") is { } violation)
            {
                yield return violation;
            }
        }

        if (!AeoStatus.IsKnown(record.Status))
        {
            yield return new(RuleIds.AeoStatus,
                $"AEO {record.AeoId}: status '{record.Status}' is not a status code of the format ({string.Join(", ", AeoStatus.All)}).");
        }

        if (record.ValidTo is { } validTo && validTo <= record.ValidFrom)
        {
            yield return new(RuleIds.AeoValidity,
                $"AEO {record.AeoId}: valid to {validTo:yyyy-MM-dd} is not after valid from {record.ValidFrom:yyyy-MM-dd}.");
        }
    }
}
