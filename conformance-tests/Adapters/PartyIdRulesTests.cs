using System.Globalization;
using N2N.Adapters.Rules;

namespace N2N.ConformanceTests.Adapters;

/// <summary>Check-digit rules, each cross-checked against an independent formulation written here.</summary>
[TestClass]
public sealed class PartyIdRulesTests
{
    // Independent BAN reference: each weighted product's digit sum via its decimal text; the 7th digit 7 gives 28,
    // which may count as 2+8 = 10 or as 1+0 = 1, i.e. the total may be lowered by 9.
    private static bool ReferenceBan(string ban)
    {
        int[] weights = [1, 2, 1, 2, 1, 2, 4, 1];
        int total = 0;
        for (int i = 0; i < 8; i++)
        {
            string product = ((ban[i] - '0') * weights[i]).ToString(CultureInfo.InvariantCulture);
            total += product.Sum(c => c - '0');
        }

        return total % 5 == 0 || (ban[6] == '7' && (total - 9) % 5 == 0);
    }

    // Independent BRN reference: the 9th digit times 5 contributes its digit sum, the others their plain products.
    private static int ReferenceBrnCheckDigit(string first9)
    {
        int[] weights = [1, 3, 7, 1, 3, 7, 1, 3];
        int sum = 0;
        for (int i = 0; i < 8; i++)
        {
            sum += (first9[i] - '0') * weights[i];
        }

        int last = (first9[8] - '0') * 5;
        sum += (last / 10) + (last % 10);
        return (10 - (sum % 10)) % 10;
    }

    // Independent corporate-number reference: weights read left to right over the 12 base digits are 2,1,2,1,...
    private static int ReferenceJapanCheckDigit(string base12)
    {
        int sum = 0;
        for (int i = 0; i < 12; i++)
        {
            sum += (base12[i] - '0') * (i % 2 == 0 ? 2 : 1);
        }

        return 9 - (sum % 9);
    }

    [TestMethod]
    [DataRow("12345675", DisplayName = "co-001 exporter; 7th digit 7, total 39 + 1")]
    [DataRow("04595252", DisplayName = "valid only under the 2023 mod 5 rule (total 35)")]
    [DataRow("12345670", DisplayName = "7th digit 7, total 34 + 1 = 35 (valid under mod 5, not mod 10)")]
    [DataRow("22099131", DisplayName = "total 30")]
    public void IsValidTaiwanBan_ValidNumber_True(string ban)
    {
        Assert.IsTrue(ReferenceBan(ban), "reference disagrees with the test data");
        Assert.IsTrue(PartyIdRules.IsValidTaiwanBan(ban));
    }

    [TestMethod]
    [DataRow("12345678", DisplayName = "7th digit 7, totals 42 and 43")]
    [DataRow("12345672", DisplayName = "7th digit 7, totals 36 and 37")]
    [DataRow("04595253", DisplayName = "total 36")]
    [DataRow("1234567", DisplayName = "7 digits")]
    [DataRow("123456750", DisplayName = "9 digits")]
    [DataRow("1234567A", DisplayName = "letter")]
    [DataRow("１２３４５６７５", DisplayName = "full-width digits")]
    [DataRow("", DisplayName = "empty")]
    public void IsValidTaiwanBan_InvalidNumber_False(string ban) =>
        Assert.IsFalse(PartyIdRules.IsValidTaiwanBan(ban));

    [TestMethod]
    public void IsValidTaiwanBan_SampleOfNumbers_AgreesWithReference()
    {
        var random = new Random(20261126);
        for (int n = 0; n < 20_000; n++)
        {
            string ban = random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
            Assert.AreEqual(ReferenceBan(ban), PartyIdRules.IsValidTaiwanBan(ban), ban);
        }
    }

    [TestMethod]
    public void IsValidTaiwanBan_SeventhDigitSeven_AcceptsTwoCheckDigitsPerTen()
    {
        // With the 7th digit 7, both "total" and "total + 1" count, so for the prefix 1234567 the last digits 0, 1, 5, 6 pass.
        string[] valid = [.. Enumerable.Range(0, 10).Select(d => $"1234567{d}").Where(PartyIdRules.IsValidTaiwanBan)];

        CollectionAssert.AreEqual(new[] { "12345670", "12345671", "12345675", "12345676" }, valid);
    }

    [TestMethod]
    [DataRow("1234567891", DisplayName = "KR sample 123-45-67891")]
    [DataRow("2208112341", DisplayName = "KR sample 220-81-12341")]
    [DataRow("1208147521")]
    public void IsValidKoreanBrn_ValidNumber_True(string brn)
    {
        Assert.AreEqual(brn[9] - '0', ReferenceBrnCheckDigit(brn[..9]), "reference disagrees with the test data");
        Assert.IsTrue(PartyIdRules.IsValidKoreanBrn(brn));
    }

    [TestMethod]
    [DataRow("1234567890", DisplayName = "aeo/invalid/kr-bad-brn.xml")]
    [DataRow("2208112342")]
    [DataRow("123-45-67891", DisplayName = "dashes are removed by adapters, not accepted here")]
    [DataRow("123456789")]
    public void IsValidKoreanBrn_InvalidNumber_False(string brn) =>
        Assert.IsFalse(PartyIdRules.IsValidKoreanBrn(brn));

    [TestMethod]
    public void IsValidKoreanBrn_SampleOfNumbers_AgreesWithReference()
    {
        var random = new Random(82);
        for (int n = 0; n < 5_000; n++)
        {
            string first9 = random.Next(0, 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
            int check = ReferenceBrnCheckDigit(first9);
            Assert.IsTrue(PartyIdRules.IsValidKoreanBrn(first9 + check), first9);
            Assert.IsFalse(PartyIdRules.IsValidKoreanBrn(first9 + ((check + 1) % 10)), first9);
        }
    }

    [TestMethod]
    [DataRow("5835678256246", DisplayName = "National Tax Agency specification example")]
    [DataRow("7000012050002", DisplayName = "National Tax Agency's own number")]
    [DataRow("3700150005080", DisplayName = "JP sample, first row")]
    [DataRow("9010401012345", DisplayName = "JP sample, second row")]
    public void IsValidJapanCorporateNumber_ValidNumber_True(string number)
    {
        Assert.AreEqual(number[0] - '0', ReferenceJapanCheckDigit(number[1..]), "reference disagrees with the test data");
        Assert.IsTrue(PartyIdRules.IsValidJapanCorporateNumber(number));
    }

    [TestMethod]
    [DataRow("4700150005080", DisplayName = "aeo/invalid/jp-bad-corporate-number.csv")]
    [DataRow("370015000508", DisplayName = "12 digits")]
    [DataRow("37001500050800", DisplayName = "14 digits")]
    public void IsValidJapanCorporateNumber_InvalidNumber_False(string number) =>
        Assert.IsFalse(PartyIdRules.IsValidJapanCorporateNumber(number));

    [TestMethod]
    public void IsValidJapanCorporateNumber_SampleOfNumbers_AgreesWithReference()
    {
        var random = new Random(81);
        for (int n = 0; n < 5_000; n++)
        {
            string base12 = random.NextInt64(0, 1_000_000_000_000).ToString("D12", CultureInfo.InvariantCulture);
            int check = ReferenceJapanCheckDigit(base12);
            Assert.IsTrue(PartyIdRules.IsValidJapanCorporateNumber(check + base12), base12);
            Assert.IsFalse(PartyIdRules.IsValidJapanCorporateNumber(((check % 9) + 1) + base12), base12);
        }
    }

    [TestMethod]
    [DataRow("TW-BAN", "12345678", "party.tw-ban")]
    [DataRow("KR-BRN", "1234567890", "party.kr-brn")]
    [DataRow("JP-CN", "4700150005080", "party.jp-cn")]
    public void Check_BadIdOfKnownScheme_ReportsRuleId(string scheme, string value, string ruleId) =>
        Assert.AreEqual(ruleId, PartyIdRules.Check(scheme, value, "exporter")?.RuleId);

    [TestMethod]
    public void Check_SchemeWithoutRule_NoViolation() =>
        Assert.IsNull(PartyIdRules.Check("CN-CUSTOMS", "anything", "importer"));
}
