using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;
using N2N.Adapters.EcfaCo;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class TaiwanEcfaCoAdapterTests : EcfaCoAdapterConformanceTests
{
    private const string TwSample = "ecfa-co/tw/co-001.xml";

    protected override IDocumentAdapter Adapter { get; } = new TaiwanEcfaCoAdapter();

    protected override string Sample => TwSample;

    protected override string ForeignSample => "ecfa-co/cn/co-001.xml";

    private static string SampleText => Encoding.UTF8.GetString(AdapterAssert.ReadData(TwSample));

    [TestMethod]
    public void Id_Always_IsVersionedFormatId() =>
        Assert.AreEqual("tw.trade.ecfa-co/1", Adapter.Id);

    [TestMethod]
    public void FromCanonical_Co001_EqualsTaiwanSampleAsXml() =>
        AdapterAssert.AssertXmlEquivalent(AdapterAssert.ReadData(TwSample), Adapter.FromCanonical(CanonicalCo001()), "canonical -> TW");

    [TestMethod]
    public void ToCanonical_ProducerSameAsExporter_CopiesExporter()
    {
        var co = (CertificateOfOrigin)Adapter.ToCanonical(AdapterAssert.ReadData(TwSample)).Document!;

        Assert.HasCount(1, co.Producers);
        Assert.AreEqual(co.Exporter, co.Producers[0]);
    }

    [TestMethod]
    public void ToCanonical_Sample_MapsRocDatesAndCodes()
    {
        var co = (CertificateOfOrigin)Adapter.ToCanonical(AdapterAssert.ReadData(TwSample)).Document!;

        Assert.AreEqual(new DateOnly(2026, 11, 20), co.IssueDate);
        Assert.AreEqual(new DateOnly(2027, 11, 19), co.ValidUntil);
        Assert.AreEqual("TW", co.IssuingCountry);
        Assert.AreEqual("1", co.Transport.ModeCode);
        Assert.AreEqual("84571010", co.Items[0].HsCode);
        Assert.AreEqual(new PartyIdentifier { Scheme = "TW-BAN", Value = "12345675" }, co.Exporter.Id);
        Assert.AreEqual(new PartyIdentifier { Scheme = "CN-CUSTOMS", Value = "3502960123" }, co.Importer.Id);
        Assert.IsNull(co.Importer.Email);
    }

    [TestMethod]
    public void FromCanonical_ProducerEqualsExporter_WritesSameAsExporter()
    {
        string xml = Encoding.UTF8.GetString(Adapter.FromCanonical(CanonicalCo001()));

        StringAssert.Contains(xml, "<Box2Producer>同上</Box2Producer>");
    }

    [TestMethod]
    public void FromCanonical_OtherProducer_WritesPartyAndRoundTrips()
    {
        CertificateOfOrigin co = CanonicalCo001();
        TradeParty producer = new() { Name = "中部零件廠", Id = new PartyIdentifier { Scheme = "TW-BAN", Value = "04595252" } };
        CertificateOfOrigin withProducer = co with { Producers = [producer] };

        byte[] rendered = Adapter.FromCanonical(withProducer);
        var again = (CertificateOfOrigin)Adapter.ToCanonical(rendered).Document!;

        StringAssert.Contains(Encoding.UTF8.GetString(rendered), "<BAN>04595252</BAN>");
        Assert.AreEqual(producer, again.Producers.Single());
    }

    [TestMethod]
    public void FromCanonical_NoProducer_WritesNoneAndReadsEmpty()
    {
        CertificateOfOrigin co = CanonicalCo001() with { Producers = [] };

        byte[] rendered = Adapter.FromCanonical(co);

        StringAssert.Contains(Encoding.UTF8.GetString(rendered), "<Box2Producer>無</Box2Producer>");
        Assert.IsEmpty(((CertificateOfOrigin)Adapter.ToCanonical(rendered).Document!).Producers);
    }

    [TestMethod]
    public void FromCanonical_DateBefore2011_WritesThreeDigitRocYear()
    {
        CertificateOfOrigin co = CanonicalCo001() with { IssueDate = new DateOnly(2010, 1, 5), ValidUntil = new DateOnly(2011, 1, 4) };

        string xml = Encoding.UTF8.GetString(Adapter.FromCanonical(co));

        StringAssert.Contains(xml, "<IssueDate>099/01/05</IssueDate>");
        StringAssert.Contains(xml, "<ValidUntil>100/01/04</ValidUntil>");
    }

    [TestMethod]
    public void FromCanonical_IssuedByMainland_Throws()
    {
        CertificateOfOrigin co = CanonicalCo001() with { IssuingCountry = "CN", ImportingCountry = "TW" };

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(co));
    }

    [TestMethod]
    public void FromCanonical_ExporterWithForeignIdScheme_Throws()
    {
        CertificateOfOrigin co = CanonicalCo001();
        CertificateOfOrigin odd = co with { Exporter = co.Exporter with { Id = new PartyIdentifier { Scheme = "CN-USCC", Value = "X" } } };

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(odd));
    }

    [TestMethod]
    [DataRow("<IssueDate>115/11/20</IssueDate>", "<IssueDate>115/13/20</IssueDate>", "IssueDate")]
    [DataRow("<IssueDate>115/11/20</IssueDate>", "<IssueDate>2026-11-20</IssueDate>", "IssueDate")]
    [DataRow("<ValidUntil>116/11/19</ValidUntil>", "<ValidUntil>116/02/30</ValidUntil>", "ValidUntil")]
    [DataRow("<Box10Quantity unit=\"台\">2</Box10Quantity>", "<Box10Quantity unit=\"打\">2</Box10Quantity>", "Box10Quantity")]
    [DataRow("<Box10Quantity unit=\"台\">2</Box10Quantity>", "<Box10Quantity unit=\"台\">two</Box10Quantity>", "Box10Quantity")]
    [DataRow("<Packages count=\"2\">木箱</Packages>", "<Packages count=\"2\">麻袋</Packages>", "Packages")]
    [DataRow("<Packages count=\"2\">木箱</Packages>", "<Packages>木箱</Packages>", "count")]
    [DataRow("<TransportMode>海運</TransportMode>", "<TransportMode>陸運</TransportMode>", "TransportMode")]
    [DataRow("<Retroactive>N</Retroactive>", "<Retroactive>maybe</Retroactive>", "Retroactive")]
    [DataRow("<ImportingSide>CN</ImportingSide>", "<ImportingSide>China</ImportingSide>", "ImportingSide")]
    [DataRow("<CertificateNo>ECFA-TW-115-0001234</CertificateNo>", "", "CertificateNo")]
    [DataRow("<Box7ItemNo>1</Box7ItemNo>", "<Box7ItemNo>1</Box7ItemNo><Box7ItemNo>1</Box7ItemNo>", "Box7ItemNo")]
    [DataRow("<Box2Producer>同上</Box2Producer>", "<Box2Producer>見附件</Box2Producer>", "Box2Producer")]
    public void ToCanonical_BadField_SchemaInvalidNamingIt(string original, string replacement, string named)
    {
        string text = SampleText;
        int at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, $"sample lacks {original}");
        string edited = text[..at] + replacement + text[(at + original.Length)..];

        AdapterResult result = Adapter.ToCanonical(Encoding.UTF8.GetBytes(edited));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode, result.Error?.Message);
        StringAssert.Contains(result.Error!.Message, named);
    }

    [TestMethod]
    public void ToCanonical_HsCodeShapeAndCriterion_PassThroughForTheRules()
    {
        string edited = SampleText
            .Replace("<Box8HSCode>8457.10.10</Box8HSCode>", "<Box8HSCode>8457.10</Box8HSCode>", StringComparison.Ordinal)
            .Replace("<Box12OriginCriterion>WP</Box12OriginCriterion>", "<Box12OriginCriterion>XX</Box12OriginCriterion>", StringComparison.Ordinal);

        AdapterResult result = Adapter.ToCanonical(Encoding.UTF8.GetBytes(edited));

        Assert.IsTrue(result.IsSuccess, result.Error?.Message);
        var co = (CertificateOfOrigin)result.Document!;
        Assert.AreEqual("845710", co.Items[0].HsCode);
        Assert.AreEqual("XX", co.Items[0].OriginCriterion);
    }
}
