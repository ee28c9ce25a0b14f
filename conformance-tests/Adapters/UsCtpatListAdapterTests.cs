using System.Text;
using N2N.Adapters;
using N2N.Adapters.Aeo;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class UsCtpatListAdapterTests : AeoStatusListAdapterConformanceTests
{
    protected override IDocumentAdapter Adapter { get; } = new UsCtpatListAdapter();

    protected override string Sample => "aeo/us/status-list-001.json";

    protected override string CanonicalSample => "aeo/canonical/us-status-list-001.json";

    protected override string ForeignSample => "aeo/kr/status-list-001.xml";

    protected override string WithUnknownStatus(string sampleText) => Replace(sampleText, "\"CERTIFIED\"", "\"PENDING\"");

    [TestMethod]
    public void Id_Always_IsVersionedFormatId() =>
        Assert.AreEqual("us.cbp.ctpat-list/1", Adapter.Id);

    [TestMethod]
    public void ToCanonical_Sample_MapsDatesTierEinAndAddress()
    {
        var list = (AeoStatusList)Adapter.ToCanonical(AdapterAssert.ReadData(Sample)).Document!;

        Assert.AreEqual(new DateOnly(2026, 11, 25), list.AsOf);
        Assert.AreEqual(AeoListKind.Full, list.Kind);
        AeoRecord first = list.Records[0];
        Assert.AreEqual("3", first.Tier);
        Assert.AreEqual(new PartyIdentifier { Scheme = "US-EIN", Value = "911234567" }, first.NationalIds.Single());
        Assert.AreEqual("1200 Harbor Ave SW, Seattle, WA 98126, US", first.Address);
        Assert.AreEqual(new DateOnly(2021, 3, 4), first.ValidFrom);
        Assert.IsNull(first.ValidTo);
        Assert.AreEqual(AeoStatus.Revoked, list.Records[2].Status);
    }

    [TestMethod]
    public void FromCanonical_Us001_EqualsSampleAsJson() =>
        AdapterAssert.AssertJsonEquivalent(
            Encoding.UTF8.GetBytes(SampleText.Replace("2026-11-25T06:00:00Z", "2026-11-25T00:00:00Z", StringComparison.Ordinal)),
            Adapter.FromCanonical(CanonicalList()),
            "canonical -> US (generated is midnight UTC of asOf)");

    [TestMethod]
    public void ToCanonical_BadDateSample_SchemaInvalidNamingTheField()
    {
        AdapterResult result = Adapter.ToCanonical(AdapterAssert.ReadData("aeo/invalid/us-bad-date.json"));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode);
        StringAssert.Contains(result.Error!.Message, "$.partners[0].certifiedOn");
    }

    [TestMethod]
    [DataRow("\"listType\": \"FULL\"", "\"listType\": \"PARTIAL\"", "unknown list type")]
    [DataRow("\"program\": \"CTPAT\",", "\"program\": \"CTPAT\", \"surprise\": 1,", "unknown member")]
    [DataRow("\"tier\": \"TIER 3\"", "\"tier\": \"GOLD\"", "tier not TIER n")]
    [DataRow("\"tier\": \"TIER 3\"", "\"tier\": 3", "tier not a string")]
    [DataRow("\"generated\": \"2026-11-25T06:00:00Z\"", "\"generated\": \"2026-11-25\"", "timestamp without time")]
    [DataRow("\"companyName\": \"Acme Machine Corporation\",", "", "missing company name")]
    [DataRow("\"state\": \"WA\", ", "", "address without state")]
    [DataRow("\"partners\": [", "\"partners\": [1, ", "partner not an object")]
    public void ToCanonical_ShapeBroken_SchemaInvalid(string original, string replacement, string what)
    {
        AdapterResult result = ToCanonical(Replace(SampleText, original, replacement));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode, $"{what}: {result.Error?.Message}");
    }

    [TestMethod]
    [DataRow("{\"program\": \"CTPAT\", \"program\": \"CTPAT\"}")]
    [DataRow("{\"program\": \"CTPAT\",}")]
    [DataRow("{\"program\": \"CTPAT\"")]
    public void ToCanonical_NotStrictJson_Malformed(string json) =>
        Assert.AreEqual("MALFORMED", ToCanonical(json).Error?.ReasonCode);

    [TestMethod]
    public void ToCanonical_TruncatedSample_Malformed()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);

        Assert.AreEqual("MALFORMED", Adapter.ToCanonical(sample.AsMemory(0, sample.Length / 2)).Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_GeneratedWithOffset_TakesTheDateAsWritten()
    {
        var list = (AeoStatusList)ToCanonical(Replace(SampleText, "2026-11-25T06:00:00Z", "2026-11-25T22:30:00-08:00")).Document!;

        Assert.AreEqual(new DateOnly(2026, 11, 25), list.AsOf);
    }

    [TestMethod]
    public void FromCanonical_StreetWithComma_SplitsFromTheRight()
    {
        AeoStatusList list = CanonicalList();
        AeoStatusList edited = list with { Records = [list.Records[0] with { Address = "Pier 91, Building 2, Seattle, WA 98119, US" }] };

        AssertRoundTrips(edited, "street with a comma");
        StringAssert.Contains(Encoding.UTF8.GetString(Adapter.FromCanonical(edited)), "\"street\": \"Pier 91, Building 2\"");
    }

    [TestMethod]
    public void FromCanonical_AddressNotInUsShape_Throws()
    {
        AeoStatusList list = CanonicalList();

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(list with { Records = [list.Records[0] with { Address = "Somewhere" }] }));
    }

    [TestMethod]
    public void FromCanonical_ValidTo_Throws()
    {
        AeoStatusList list = CanonicalList();

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(list with { Records = [list.Records[0] with { ValidTo = new DateOnly(2030, 1, 1) }] }));
    }

    [TestMethod]
    public void FromCanonical_NoTierNoEin_RoundTrips()
    {
        AeoStatusList list = CanonicalList();

        AssertRoundTrips(list with { Records = [list.Records[0] with { Tier = null, NationalIds = [] }] }, "no tier, no EIN");
    }
}
