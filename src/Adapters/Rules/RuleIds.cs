namespace N2N.Adapters.Rules;

/// <summary>Stable validation rule ids, reported with <c>RULE_VIOLATION</c> (see the data README).</summary>
public static class RuleIds
{
    public const string TaiwanBan = "party.tw-ban";
    public const string KoreanBrn = "party.kr-brn";
    public const string JapanCorporateNumber = "party.jp-cn";
    public const string ItemsCount = "items.count";
    public const string ItemNumber = "item.number";
    public const string HsCode = "item.hs-code";
    public const string OriginCriterion = "item.origin-criterion";
    public const string Retroactive = "co.retroactive";
    public const string Validity = "co.validity";
    public const string Dates = "co.dates";
    public const string AeoStatus = "aeo.status";
    public const string AeoValidity = "aeo.validity";

    /// <summary>
    /// The order rules are evaluated and reported in; when several fail, the first in this order is the reason code's rule.
    /// Party ids first (they apply to both CO parties and AEO records), then the certificate's item shape and dates;
    /// <see cref="Retroactive"/> precedes <see cref="Validity"/> because the validity period of a retroactive certificate
    /// is measured from its export declaration. The AEO record rules come last: <see cref="AeoStatus"/> before
    /// <see cref="AeoValidity"/>, since an unknown status means the record cannot be applied whatever its dates say.
    /// </summary>
    public static IReadOnlyList<string> EvaluationOrder { get; } =
    [
        TaiwanBan, KoreanBrn, JapanCorporateNumber,
        ItemsCount, ItemNumber, HsCode, OriginCriterion,
        Retroactive, Validity, Dates,
        AeoStatus, AeoValidity,
    ];
}
