using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class AeoRulesTests
{
    private static T Parse<T>(string file) where T : CanonicalDocument =>
        (T)CanonicalJson.Parse(AdapterAssert.ReadData(file)).Document!;

    private static AeoStatusList Kr001() => Parse<AeoStatusList>("aeo/canonical/kr-status-list-001.json");

    private static AeoStatusList WithFirst(AeoStatusList list, Func<AeoRecord, AeoRecord> edit) =>
        list with { Records = [edit(list.Records[0]), .. list.Records.Skip(1)] };

    private static string[] RuleIdsOf(CanonicalDocument document) =>
        [.. DocumentRules.Validate(document).Select(v => v.RuleId)];

    [TestMethod]
    [DataRow("aeo/canonical/us-status-list-001.json")]
    [DataRow("aeo/canonical/kr-status-list-001.json")]
    [DataRow("aeo/canonical/kr-status-list-002-delta.json")]
    [DataRow("aeo/canonical/jp-status-list-001.json")]
    [DataRow("aeo/canonical/query-001.json")]
    [DataRow("aeo/canonical/response-001.json")]
    public void Validate_CanonicalSample_NoViolations(string file) =>
        Assert.IsEmpty(DocumentRules.Validate(CanonicalJson.Parse(AdapterAssert.ReadData(file)).Document!));

    [TestMethod]
    public void Validate_BadKoreanBrn_PartyKrBrnNamingTheOperator()
    {
        AeoStatusList list = WithFirst(Kr001(), r => r with { NationalIds = [new PartyIdentifier { Scheme = "KR-BRN", Value = "1234567890" }] });

        IReadOnlyList<RuleViolation> violations = DocumentRules.Validate(list);

        CollectionAssert.AreEqual(new[] { RuleIds.KoreanBrn }, violations.Select(v => v.RuleId).ToArray());
        StringAssert.Contains(violations[0].Message, "220300123456");
    }

    [TestMethod]
    public void Validate_BadJapaneseCorporateNumber_PartyJpCn()
    {
        AeoStatusList list = Parse<AeoStatusList>("aeo/canonical/jp-status-list-001.json");

        CollectionAssert.AreEqual(
            new[] { RuleIds.JapanCorporateNumber },
            RuleIdsOf(WithFirst(list, r => r with { NationalIds = [new PartyIdentifier { Scheme = "JP-CN", Value = "4700150005080" }] })));
    }

    [TestMethod]
    public void Validate_UsEin_HasNoCheckDigitRule() =>
        Assert.IsEmpty(DocumentRules.Validate(WithFirst(Parse<AeoStatusList>("aeo/canonical/us-status-list-001.json"),
            r => r with { NationalIds = [new PartyIdentifier { Scheme = "US-EIN", Value = "000000000" }] })));

    [TestMethod]
    [DataRow("valid", null)]
    [DataRow("expired", null)]
    [DataRow("09", "aeo.status")]
    [DataRow("Valid", "aeo.status")]
    [DataRow("", "aeo.status")]
    public void Validate_Status_OnlyCanonicalValues(string status, string? ruleId) =>
        Assert.AreEqual(ruleId, DocumentRules.Validate(WithFirst(Kr001(), r => r with { Status = status })).FirstOrDefault()?.RuleId);

    [TestMethod]
    [DataRow("2027-02-28", null)]
    [DataRow("2022-03-02", null)]
    [DataRow("2022-03-01", "aeo.validity")]
    [DataRow("2021-02-28", "aeo.validity")]
    public void Validate_ValidTo_MustBeAfterValidFrom(string validTo, string? ruleId) =>
        Assert.AreEqual(ruleId, DocumentRules.Validate(WithFirst(Kr001(), r => r with { ValidTo = DateOnly.Parse(validTo, System.Globalization.CultureInfo.InvariantCulture) })).FirstOrDefault()?.RuleId);

    [TestMethod]
    public void Validate_NoValidTo_Accepted() =>
        Assert.IsEmpty(DocumentRules.Validate(WithFirst(Kr001(), r => r with { ValidTo = null })));

    [TestMethod]
    public void Validate_SeveralBroken_PartyIdThenStatusThenValidity()
    {
        AeoStatusList list = Kr001();
        AeoStatusList broken = list with
        {
            Records =
            [
                list.Records[0] with { Status = "09", ValidTo = new DateOnly(2000, 1, 1) },
                list.Records[1] with { NationalIds = [new PartyIdentifier { Scheme = "KR-BRN", Value = "2208112340" }] },
            ],
        };

        CollectionAssert.AreEqual(new[] { RuleIds.KoreanBrn, RuleIds.AeoStatus, RuleIds.AeoValidity }, RuleIdsOf(broken));
    }

    [TestMethod]
    public void Validate_ResponseRecord_IsChecked()
    {
        AeoStatusResponse response = Parse<AeoStatusResponse>("aeo/canonical/response-001.json");

        CollectionAssert.AreEqual(new[] { RuleIds.AeoStatus }, RuleIdsOf(response with { Record = response.Record! with { Status = "unknown" } }));
    }

    [TestMethod]
    public void EvaluationOrder_Always_HasAeoRulesAfterPartyIds()
    {
        var order = RuleIds.EvaluationOrder.ToList();

        Assert.IsLessThan(order.IndexOf(RuleIds.AeoStatus), order.IndexOf(RuleIds.KoreanBrn));
        Assert.IsLessThan(order.IndexOf(RuleIds.AeoValidity), order.IndexOf(RuleIds.AeoStatus));
        Assert.AreEqual(order.Count, order.Distinct().Count());
    }
}
