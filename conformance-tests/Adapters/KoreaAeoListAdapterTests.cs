using System.Text;
using N2N.Adapters;
using N2N.Adapters.Aeo;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class KoreaAeoListAdapterTests : AeoStatusListAdapterConformanceTests
{
    protected override IDocumentAdapter Adapter { get; } = new KoreaAeoListAdapter();

    protected override string Sample => "aeo/kr/status-list-001.xml";

    protected override string CanonicalSample => "aeo/canonical/kr-status-list-001.json";

    protected override string ForeignSample => "aeo/jp/status-list-001.csv";

    protected override bool CarriesForeignLists => true;

    protected override string WithUnknownStatus(string sampleText) => Replace(sampleText, "<StatusCode>01</StatusCode>", "<StatusCode>09</StatusCode>");

    [TestMethod]
    public void Id_Always_IsVersionedFormatId() =>
        Assert.AreEqual("kr.customs.aeo-list/1", Adapter.Id);

    [TestMethod]
    public void ToCanonical_DeltaSample_RoundTripsWithCanonicalJson() =>
        AdapterAssert.AssertAdapterRoundTrip(Adapter, "aeo/kr/status-list-002-delta.xml", "aeo/canonical/kr-status-list-002-delta.json");

    [TestMethod]
    public void ToCanonical_DeltaAfterFull_RevokesTheOperatorItNames()
    {
        var full = (AeoStatusList)Adapter.ToCanonical(AdapterAssert.ReadData(Sample)).Document!;
        var delta = (AeoStatusList)Adapter.ToCanonical(AdapterAssert.ReadData("aeo/kr/status-list-002-delta.xml")).Document!;

        Dictionary<string, AeoRecord> applied = full.Records.ToDictionary(r => r.AeoId);
        foreach (AeoRecord record in delta.Records)
        {
            applied[record.AeoId] = record;
        }

        Assert.AreEqual(AeoListKind.Delta, delta.Kind);
        Assert.AreEqual(AeoStatus.Suspended, full.Records.Single(r => r.AeoId == "190500654321").Status);
        Assert.AreEqual(AeoStatus.Revoked, applied["190500654321"].Status);
        Assert.AreEqual(AeoStatus.Valid, applied["220300123456"].Status);
    }

    [TestMethod]
    public void ToCanonical_Sample_MapsBrnDatesAndNames()
    {
        var list = (AeoStatusList)Adapter.ToCanonical(AdapterAssert.ReadData(Sample)).Document!;

        AeoRecord first = list.Records[0];
        Assert.AreEqual(new PartyIdentifier { Scheme = "KR-BRN", Value = "1234567891" }, first.NationalIds.Single());
        Assert.AreEqual(new DateOnly(2027, 2, 28), first.ValidTo);
        Assert.AreEqual("AAA", first.Tier);
        Assert.AreEqual("Korea Precision Parts Co., Ltd.", first.LegalNameLatin);
    }

    [TestMethod]
    public void FromCanonical_Kr001_EqualsSampleAsXml() =>
        AdapterAssert.AssertXmlEquivalent(AdapterAssert.ReadData(Sample), Adapter.FromCanonical(CanonicalList()), "canonical -> KR");

    [TestMethod]
    public void FromCanonical_NoOptionalFields_OmitsThemAndRoundTrips()
    {
        AeoStatusList list = CanonicalList();
        AeoStatusList sparse = list with { Records = [list.Records[0] with { Tier = null, LegalNameLatin = null, ValidTo = null }] };

        AssertRoundTrips(sparse, "no grade, English name or expiry");
        string xml = Encoding.UTF8.GetString(Adapter.FromCanonical(sparse));
        Assert.DoesNotContain("ExpiryDate", xml);
        Assert.DoesNotContain("CompanyNameEng", xml);
    }

    [TestMethod]
    public void FromCanonical_EmptyDelta_RoundTrips() =>
        AssertRoundTrips(CanonicalList() with { Kind = AeoListKind.Delta, Records = [] }, "empty delta");

    [TestMethod]
    public void FromCanonical_NoBrn_Throws()
    {
        AeoStatusList list = CanonicalList();

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(list with { Records = [list.Records[0] with { NationalIds = [] }] }));
    }

    [TestMethod]
    [DataRow("listKind=\"F\"", "listKind=\"X\"", "unknown list kind")]
    [DataRow("baseDate=\"20261125\"", "baseDate=\"2026-11-25\"", "non-yyyyMMdd base date")]
    [DataRow(" listId=\"KR-AEO-20261125-01\"", "", "missing list id")]
    [DataRow("<CertDate>20220301</CertDate>", "<CertDate>20220230</CertDate>", "impossible date")]
    [DataRow("<CertDate>20220301</CertDate>", "", "missing certification date")]
    [DataRow("<Grade>AAA</Grade>", "<Grade>AAA</Grade><Surprise>1</Surprise>", "unknown element")]
    [DataRow("<AeoCode>220300123456</AeoCode>", "<AeoCode></AeoCode>", "empty AEO code")]
    public void ToCanonical_ShapeBroken_SchemaInvalid(string original, string replacement, string what)
    {
        AdapterResult result = ToCanonical(Replace(SampleText, original, replacement));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode, $"{what}: {result.Error?.Message}");
    }

    [TestMethod]
    public void ToCanonical_TruncatedSample_Malformed()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);

        Assert.AreEqual("MALFORMED", Adapter.ToCanonical(sample.AsMemory(0, sample.Length / 2)).Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_Dtd_MalformedWithoutResolving()
    {
        string text = SampleText;
        int rootAt = text.IndexOf('<', text.IndexOf("?>", StringComparison.Ordinal));
        string withDtd = text[..rootAt] + "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n" + text[rootAt..];

        Assert.AreEqual("MALFORMED", ToCanonical(withDtd).Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_OtherNamespace_SchemaInvalid() =>
        Assert.AreEqual("SCHEMA_INVALID", ToCanonical(SampleText.Replace("urn:kr:customs:aeo:mra:1", "urn:kr:customs:aeo:mra:2", StringComparison.Ordinal)).Error?.ReasonCode);
}
