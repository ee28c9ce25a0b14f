using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

/// <summary>What every <c>ecfa.co</c> adapter must do; one subclass per partner format.</summary>
public abstract class EcfaCoAdapterConformanceTests
{
    protected const string CanonicalSample = "ecfa-co/canonical/co-001.json";

    protected abstract IDocumentAdapter Adapter { get; }

    /// <summary>The format's co-001 sample, relative to the data folder.</summary>
    protected abstract string Sample { get; }

    /// <summary>A sample of another format, which this adapter must not claim.</summary>
    protected abstract string ForeignSample { get; }

    protected static CertificateOfOrigin CanonicalCo001()
    {
        AdapterResult result = CanonicalJson.Parse(AdapterAssert.ReadData(CanonicalSample));
        Assert.IsTrue(result.IsSuccess, $"{CanonicalSample}: {result.Error}");
        return (CertificateOfOrigin)result.Document!;
    }

    [TestMethod]
    public void ToCanonical_Sample_RoundTripsWithCanonicalJson() =>
        AdapterAssert.AssertAdapterRoundTrip(Adapter, Sample, CanonicalSample);

    [TestMethod]
    public void DocumentType_Always_IsEcfaCo() =>
        Assert.AreEqual("ecfa.co", Adapter.DocumentType);

    [TestMethod]
    public void CanRead_OwnSample_True() =>
        Assert.IsTrue(Adapter.CanRead(AdapterAssert.ReadData(Sample)));

    [TestMethod]
    public void CanRead_ForeignSample_False() =>
        Assert.IsFalse(Adapter.CanRead(AdapterAssert.ReadData(ForeignSample)));

    [TestMethod]
    public void CanRead_Garbage_False() =>
        Assert.IsFalse(Adapter.CanRead("not xml at all"u8));

    [TestMethod]
    public void ToCanonical_ForeignSample_SchemaInvalid()
    {
        AdapterResult result = Adapter.ToCanonical(AdapterAssert.ReadData(ForeignSample));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("<")]
    [DataRow("{\"documentType\":\"ecfa.co\"}")]
    [DataRow("<a><b></a>")]
    public void ToCanonical_NotWellFormed_Malformed(string text)
    {
        AdapterResult result = Adapter.ToCanonical(Encoding.UTF8.GetBytes(text));

        Assert.IsFalse(result.IsSuccess);
        Assert.AreEqual("MALFORMED", result.Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_Dtd_MalformedWithoutResolving()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);
        string text = Encoding.UTF8.GetString(sample);
        int rootAt = text.IndexOf('<', text.IndexOf("?>", StringComparison.Ordinal));
        string withDtd = text[..rootAt] + "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n" + text[rootAt..];

        AdapterResult result = Adapter.ToCanonical(Encoding.UTF8.GetBytes(withDtd));

        Assert.AreEqual("MALFORMED", result.Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_InvalidUtf8_Malformed()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);
        int textAt = Array.LastIndexOf(sample, (byte)'<') - 20;
        sample[textAt] = 0xFF;

        AdapterResult result = Adapter.ToCanonical(sample);

        Assert.AreEqual("MALFORMED", result.Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_TruncatedSample_Malformed()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);

        AdapterResult result = Adapter.ToCanonical(sample.AsMemory(0, sample.Length / 2));

        Assert.AreEqual("MALFORMED", result.Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_EveryPrefixOfSample_NeverThrows()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);
        int lastTagEnd = Array.LastIndexOf(sample, (byte)'>');
        for (int length = 0; length <= lastTagEnd; length += 7)
        {
            AdapterResult result = Adapter.ToCanonical(sample.AsMemory(0, length));
            Assert.IsFalse(result.IsSuccess, $"prefix of {length} bytes was accepted");
        }
    }

    [TestMethod]
    public void ToCanonical_UnknownElement_SchemaInvalid()
    {
        string text = Encoding.UTF8.GetString(AdapterAssert.ReadData(Sample));
        int closeAt = text.LastIndexOf("</", StringComparison.Ordinal);
        string extended = text[..closeAt] + "<Surprise>1</Surprise>\n" + text[closeAt..];

        AdapterResult result = Adapter.ToCanonical(Encoding.UTF8.GetBytes(extended));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode);
        StringAssert.Contains(result.Error!.Message, "Surprise");
    }

    [TestMethod]
    public void FromCanonical_Rendering_IsDeterministicUtf8WithDeclaration()
    {
        CertificateOfOrigin co = CanonicalCo001();

        byte[] first = Adapter.FromCanonical(co);
        byte[] second = Adapter.FromCanonical(co);

        CollectionAssert.AreEqual(first, second);
        StringAssert.StartsWith(Encoding.UTF8.GetString(first), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Assert.IsTrue(Adapter.CanRead(first));
    }

    [TestMethod]
    public void FromCanonical_NoOptionalFields_RoundTrips()
    {
        CertificateOfOrigin co = CanonicalCo001();
        TradeParty bare = new() { Name = "Bare Trading Ltd." };
        CertificateOfOrigin sparse = co with
        {
            ExportDeclarationNumber = null,
            Remarks = null,
            Producers = [],
            Importer = bare,
            Transport = co.Transport with { MeansId = null, DepartureDateEstimated = true },
            Items = [.. co.Items.Select(i => i with { GrossWeight = null, OriginMarkers = [] })],
        };

        AdapterResult again = Adapter.ToCanonical(Adapter.FromCanonical(sparse));

        Assert.IsTrue(again.IsSuccess, again.Error?.Message);
        AdapterAssert.AssertJsonEquivalent(CanonicalJson.Serialize(sparse), CanonicalJson.Serialize(again.Document!), "sparse certificate");
    }

    [TestMethod]
    public void FromCanonical_TextWithMarkupAndNewlines_RoundTrips()
    {
        CertificateOfOrigin co = CanonicalCo001() with { Remarks = "a < b & c > \"d\"\r\nsecond line\rthird" };

        AdapterResult again = Adapter.ToCanonical(Adapter.FromCanonical(co));

        Assert.IsTrue(again.IsSuccess, again.Error?.Message);
        Assert.AreEqual(co.Remarks, ((CertificateOfOrigin)again.Document!).Remarks);
    }

    [TestMethod]
    public void FromCanonical_UnknownUnit_Throws()
    {
        CertificateOfOrigin co = CanonicalCo001();
        CertificateOfOrigin odd = co with { Items = [co.Items[0] with { Quantity = new Measure { Value = 1, UnitCode = "XYZ" } }] };

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(odd));
    }
}
