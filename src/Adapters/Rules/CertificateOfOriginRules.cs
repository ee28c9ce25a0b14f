using N2N.Adapters.Canonical;

namespace N2N.Adapters.Rules;

/// <summary>The validation rules of an ECFA certificate of origin.</summary>
internal static class CertificateOfOriginRules
{
    private const int MaxItems = 20;
    private static readonly HashSet<string> s_criteria = new(StringComparer.Ordinal) { "WO", "WP", "PSR" };
    private static readonly HashSet<string> s_markers = new(StringComparer.Ordinal) { "acu", "dmi", "fg" };

    public static IEnumerable<RuleViolation> Check(CertificateOfOrigin co)
    {
        foreach ((TradeParty party, string owner) in Parties(co))
        {
            if (party.Id is { } id && PartyIdRules.Check(id.Scheme, id.Value, owner) is { } violation)
            {
                yield return violation;
            }
        }

        if (co.Items.Count is < 1 or > MaxItems)
        {
            yield return new(RuleIds.ItemsCount, $"A certificate lists 1 to {MaxItems} items, not {co.Items.Count}.");
        }

        for (int i = 0; i < co.Items.Count; i++)
        {
            if (co.Items[i].ItemNumber != i + 1)
            {
                yield return new(RuleIds.ItemNumber, $"Item {i + 1} is numbered {co.Items[i].ItemNumber}; items are numbered 1 to n, unique, in order.");
                break;
            }
        }

        foreach (GoodsItem item in co.Items)
        {
            if (item.HsCode is not { Length: 8 } || !item.HsCode.All(char.IsAsciiDigit))
            {
                yield return new(RuleIds.HsCode, $"Item {item.ItemNumber}: HS code '{item.HsCode}' is not 8 digits.");
            }
        }

        foreach (GoodsItem item in co.Items)
        {
            if (!s_criteria.Contains(item.OriginCriterion))
            {
                yield return new(RuleIds.OriginCriterion, $"Item {item.ItemNumber}: origin criterion '{item.OriginCriterion}' is not WO, WP or PSR.");
            }

            foreach (string? marker in item.OriginMarkers)
            {
                if (marker is null || !s_markers.Contains(marker))
                {
                    yield return new(RuleIds.OriginCriterion, $"Item {item.ItemNumber}: origin marker '{marker}' is not acu, dmi or fg.");
                }
            }
        }

        if (co.Retroactive && string.IsNullOrWhiteSpace(co.ExportDeclarationNumber))
        {
            yield return new(RuleIds.Retroactive, "A retroactive certificate must name its export declaration.");
        }

        DateOnly lastValidDay = co.IssueDate.AddYears(1).AddDays(-1);
        if (!co.Retroactive && co.ValidUntil != lastValidDay)
        {
            yield return new(RuleIds.Validity, $"Valid until {co.ValidUntil:yyyy-MM-dd} must be issue date + 12 months - 1 day = {lastValidDay:yyyy-MM-dd}.");
        }

        // A retroactive certificate runs from the export declaration's date, which the canonical model does not carry;
        // that date precedes the issue date, so the most we can check is the upper bound.
        if (co.Retroactive && co.ValidUntil > lastValidDay)
        {
            yield return new(RuleIds.Validity, $"Valid until {co.ValidUntil:yyyy-MM-dd} is later than issue date + 12 months - 1 day = {lastValidDay:yyyy-MM-dd}.");
        }

        if (co.ExporterDeclaration.Date > co.Certification.Date)
        {
            yield return new(RuleIds.Dates, $"The exporter's declaration ({co.ExporterDeclaration.Date:yyyy-MM-dd}) is dated after the certification ({co.Certification.Date:yyyy-MM-dd}).");
        }
    }

    private static IEnumerable<(TradeParty Party, string Owner)> Parties(CertificateOfOrigin co)
    {
        yield return (co.Exporter, "exporter");
        for (int i = 0; i < co.Producers.Count; i++)
        {
            yield return (co.Producers[i], co.Producers.Count == 1 ? "producer" : $"producer {i + 1}");
        }

        yield return (co.Importer, "importer");
    }
}
