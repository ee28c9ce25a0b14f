using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;
using N2N.Adapters.EcfaCo;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class MainlandEcfaCoAdapterTests : EcfaCoAdapterConformanceTests
{
    private const string CnSample = "ecfa-co/cn/co-001.xml";

    protected override IDocumentAdapter Adapter { get; } = new MainlandEcfaCoAdapter();

    protected override string Sample => CnSample;

    protected override string ForeignSample => "ecfa-co/tw/co-001.xml";

    private static string SampleText => Encoding.UTF8.GetString(AdapterAssert.ReadData(CnSample));

    [TestMethod]
    public void Id_Always_IsVersionedFormatId() =>
        Assert.AreEqual("cn.customs.ecfa-co/1", Adapter.Id);

    [TestMethod]
    public void FromCanonical_Co001_EqualsMainlandSampleAsXml() =>
        AdapterAssert.AssertXmlEquivalent(AdapterAssert.ReadData(CnSample), Adapter.FromCanonical(CanonicalCo001()), "canonical -> CN");

    [TestMethod]
    public void FromCanonical_TranslatedFromTaiwanSample_EqualsMainlandSampleAsXml()
    {
        var taiwan = new TaiwanEcfaCoAdapter();
        AdapterResult fromTaiwan = taiwan.ToCanonical(AdapterAssert.ReadData("ecfa-co/tw/co-001.xml"));
        Assert.IsTrue(fromTaiwan.IsSuccess, fromTaiwan.Error?.Message);

        byte[] rendered = Adapter.FromCanonical(fromTaiwan.Document!);

        AdapterAssert.AssertXmlEquivalent(AdapterAssert.ReadData(CnSample), rendered, "TW -> canonical -> CN");
    }

    [TestMethod]
    public void ToCanonical_Sample_MapsPinyinCodes()
    {
        var co = (CertificateOfOrigin)Adapter.ToCanonical(AdapterAssert.ReadData(CnSample)).Document!;

        Assert.AreEqual("1", co.Transport.ModeCode);
        Assert.IsFalse(co.Transport.DepartureDateEstimated);
        Assert.AreEqual("CT", co.Items[1].PackageKindCode);
        Assert.AreEqual("KGM", co.Items[1].Quantity.UnitCode);
        Assert.AreEqual("PSR", co.Items[1].OriginCriterion);
        CollectionAssert.AreEqual(new[] { "acu" }, co.Items[1].OriginMarkers.ToArray());
        Assert.AreEqual("USD", co.Items[1].Invoice.CurrencyCode);
        Assert.IsNull(co.Exporter.Fax);
    }

    [TestMethod]
    [DataRow("<QFRQ>20261120</QFRQ>", "<QFRQ>2026-11-20</QFRQ>", "QFRQ")]
    [DataRow("<BZDM>502</BZDM>", "<BZDM>999</BZDM>", "BZDM")]
    [DataRow("<JLDW>001</JLDW>", "<JLDW>abc</JLDW>", "JLDW")]
    [DataRow("<BZZL>1</BZZL>", "<BZZL>9</BZZL>", "BZZL")]
    [DataRow("<YSFS>2</YSFS>", "<YSFS>3</YSFS>", "YSFS")]
    [DataRow("<BFBZ>0</BFBZ>", "<BFBZ>N</BFBZ>", "BFBZ")]
    [DataRow("<DM LX=\"CN-CUSTOMS\">3502960123</DM>", "<DM>3502960123</DM>", "LX")]
    [DataRow("<FPJE>96000.00</FPJE>", "<FPJE>96,000.00</FPJE>", "FPJE")]
    [DataRow("<YCDBZ>WP</YCDBZ>", "<YCDBZ></YCDBZ>", "YCDBZ")]
    [DataRow("<XH>1</XH>", "<XH>-1</XH>", "XH")]
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
    public void FromCanonical_GrossWeightNotInKilograms_Throws()
    {
        CertificateOfOrigin co = CanonicalCo001();
        CertificateOfOrigin odd = co with { Items = [co.Items[0] with { GrossWeight = new Measure { Value = 1, UnitCode = "TNE" } }] };

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(odd));
    }

    [TestMethod]
    public void FromCanonical_AnyIdScheme_RoundTrips()
    {
        CertificateOfOrigin co = CanonicalCo001();
        CertificateOfOrigin other = co with { Importer = co.Importer with { Id = new PartyIdentifier { Scheme = "CN-USCC", Value = "91350200MA2XYZ0001" } } };

        var again = (CertificateOfOrigin)Adapter.ToCanonical(Adapter.FromCanonical(other)).Document!;

        Assert.AreEqual(other.Importer, again.Importer);
    }
}
