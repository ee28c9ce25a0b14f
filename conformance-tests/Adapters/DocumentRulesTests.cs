using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class DocumentRulesTests
{
    private static CertificateOfOrigin Co001() =>
        (CertificateOfOrigin)CanonicalJson.Parse(AdapterAssert.ReadData("ecfa-co/canonical/co-001.json")).Document!;

    private static string[] RuleIdsOf(CanonicalDocument document) =>
        [.. DocumentRules.Validate(document).Select(v => v.RuleId).Distinct()];

    [TestMethod]
    public void Validate_Co001_NoViolations() =>
        Assert.IsEmpty(DocumentRules.Validate(Co001()));

    [TestMethod]
    public void Validate_LeapDayIssue_ValidUntilIsDayBeforeAnniversary()
    {
        CertificateOfOrigin co = Co001() with { IssueDate = new DateOnly(2028, 2, 29), ValidUntil = new DateOnly(2029, 2, 27) };

        Assert.IsEmpty(DocumentRules.Validate(co));
    }

    [TestMethod]
    public void Validate_NotRetroactiveShorterValidity_CoValidity()
    {
        CertificateOfOrigin co = Co001() with { ValidUntil = new DateOnly(2027, 6, 30) };

        CollectionAssert.AreEqual(new[] { RuleIds.Validity }, RuleIdsOf(co));
    }

    [TestMethod]
    public void Validate_RetroactiveWithDeclarationAndShorterValidity_Accepted()
    {
        // Retroactive: validity runs from the export declaration's (earlier, unrecorded) date, so it may end sooner.
        CertificateOfOrigin co = Co001() with { Retroactive = true, ValidUntil = new DateOnly(2027, 11, 1) };

        Assert.IsEmpty(DocumentRules.Validate(co));
    }

    [TestMethod]
    public void Validate_RetroactiveValidityTooLong_CoValidity()
    {
        CertificateOfOrigin co = Co001() with { Retroactive = true, ValidUntil = new DateOnly(2027, 11, 20) };

        CollectionAssert.AreEqual(new[] { RuleIds.Validity }, RuleIdsOf(co));
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("  ")]
    public void Validate_RetroactiveWithoutDeclaration_CoRetroactive(string? declaration)
    {
        CertificateOfOrigin co = Co001() with { Retroactive = true, ExportDeclarationNumber = declaration };

        CollectionAssert.AreEqual(new[] { RuleIds.Retroactive }, RuleIdsOf(co));
    }

    [TestMethod]
    public void Validate_RetroactiveWithoutDeclarationAndTooLong_ReportsRetroactiveFirst()
    {
        CertificateOfOrigin co = Co001() with { Retroactive = true, ExportDeclarationNumber = null, ValidUntil = new DateOnly(2028, 1, 1) };

        CollectionAssert.AreEqual(new[] { RuleIds.Retroactive, RuleIds.Validity }, RuleIdsOf(co));
    }

    [TestMethod]
    public void Validate_DeclarationSameDayAsCertification_Accepted()
    {
        CertificateOfOrigin co = Co001();
        CertificateOfOrigin sameDay = co with { ExporterDeclaration = co.ExporterDeclaration with { Date = co.Certification.Date } };

        Assert.IsEmpty(DocumentRules.Validate(sameDay));
    }

    [TestMethod]
    [DataRow("WO", new string[0], null)]
    [DataRow("PSR", new[] { "acu", "dmi", "fg" }, null)]
    [DataRow("wp", new string[0], "item.origin-criterion")]
    [DataRow("WP", new[] { "xyz" }, "item.origin-criterion")]
    public void Validate_OriginCriterion_OnlyKnownCriteriaAndMarkers(string criterion, string[] markers, string? ruleId)
    {
        CertificateOfOrigin co = Co001();
        CertificateOfOrigin edited = co with { Items = [co.Items[0] with { OriginCriterion = criterion, OriginMarkers = markers }] };

        Assert.AreEqual(ruleId, DocumentRules.Validate(edited).FirstOrDefault()?.RuleId);
    }

    [TestMethod]
    public void Validate_NoItems_ItemsCount() =>
        CollectionAssert.AreEqual(new[] { RuleIds.ItemsCount }, RuleIdsOf(Co001() with { Items = [] }));

    [TestMethod]
    public void Validate_ItemsOutOfOrder_ItemNumber()
    {
        CertificateOfOrigin co = Co001();

        CollectionAssert.AreEqual(new[] { RuleIds.ItemNumber }, RuleIdsOf(co with { Items = [co.Items[1], co.Items[0], co.Items[2]] }));
    }

    [TestMethod]
    [DataRow("8457101")]
    [DataRow("845710100")]
    [DataRow("8457101A")]
    public void Validate_HsCodeNotEightDigits_ItemHsCode(string hsCode)
    {
        CertificateOfOrigin co = Co001();

        CollectionAssert.AreEqual(new[] { RuleIds.HsCode }, RuleIdsOf(co with { Items = [co.Items[0] with { HsCode = hsCode }, co.Items[1], co.Items[2]] }));
    }

    [TestMethod]
    public void Validate_ImporterWithKoreanBrn_CheckedByScheme()
    {
        CertificateOfOrigin co = Co001();
        CertificateOfOrigin edited = co with { Importer = co.Importer with { Id = new PartyIdentifier { Scheme = "KR-BRN", Value = "1234567890" } } };

        CollectionAssert.AreEqual(new[] { RuleIds.KoreanBrn }, RuleIdsOf(edited));
    }

    [TestMethod]
    public void EvaluationOrder_Always_PutsRetroactiveBeforeValidity()
    {
        var order = RuleIds.EvaluationOrder.ToList();

        Assert.IsLessThan(order.IndexOf(RuleIds.Validity), order.IndexOf(RuleIds.Retroactive));
    }
}
