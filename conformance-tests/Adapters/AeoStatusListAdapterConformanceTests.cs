using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;

namespace N2N.ConformanceTests.Adapters;

/// <summary>What every <c>aeo.status-list</c> adapter must do; one subclass per partner format.</summary>
public abstract class AeoStatusListAdapterConformanceTests
{
    protected static readonly AdapterCatalog Catalog = AdapterCatalog.CreateBuiltIn();

    protected abstract IDocumentAdapter Adapter { get; }

    /// <summary>The format's status-list-001 sample, relative to the data folder.</summary>
    protected abstract string Sample { get; }

    /// <summary>The canonical form of <see cref="Sample"/>.</summary>
    protected abstract string CanonicalSample { get; }

    /// <summary>A sample of another format, which this adapter must not claim.</summary>
    protected abstract string ForeignSample { get; }

    /// <summary>The sample with the first operator's status code replaced by one the format does not define.</summary>
    protected abstract string WithUnknownStatus(string sampleText);

    /// <summary>
    /// Whether the format also carries partners' lists (another issuing country, foreign id schemes). Only the Korean
    /// format does: under mutual recognition Korea receives Taiwan's list in it. The others refuse such lists.
    /// </summary>
    protected virtual bool CarriesForeignLists => false;

    protected string SampleText => Encoding.UTF8.GetString(AdapterAssert.ReadData(Sample));

    /// <summary>Replaces the first occurrence, asserting it is there (so a changed sample cannot silently void a test).</summary>
    protected static string Replace(string text, string original, string replacement)
    {
        Assert.Contains(original, text);
        int at = text.IndexOf(original, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + original.Length)..];
    }

    protected AdapterResult ToCanonical(string text) => Adapter.ToCanonical(Encoding.UTF8.GetBytes(text));

    protected AeoStatusList CanonicalList()
    {
        AdapterResult result = CanonicalJson.Parse(AdapterAssert.ReadData(CanonicalSample));
        Assert.IsTrue(result.IsSuccess, $"{CanonicalSample}: {result.Error}");
        return (AeoStatusList)result.Document!;
    }

    protected void AssertRoundTrips(AeoStatusList list, string context)
    {
        AdapterResult again = Adapter.ToCanonical(Adapter.FromCanonical(list));

        Assert.IsTrue(again.IsSuccess, $"{context}: {again.Error?.Message}");
        AdapterAssert.AssertJsonEquivalent(CanonicalJson.Serialize(list), CanonicalJson.Serialize(again.Document!), context);
    }

    [TestMethod]
    public void ToCanonical_Sample_RoundTripsWithCanonicalJson() =>
        AdapterAssert.AssertAdapterRoundTrip(Adapter, Sample, CanonicalSample);

    [TestMethod]
    public void Translate_Sample_PassesEveryRule()
    {
        Translation translation = Catalog.Translate(Adapter, AdapterAssert.ReadData(Sample));

        Assert.IsTrue(translation.IsSuccess, translation.Error?.Message);
        CollectionAssert.AreEqual(CanonicalJson.Canonicalize(AdapterAssert.ReadData(CanonicalSample)), translation.CanonicalJson);
    }

    [TestMethod]
    public void DocumentType_Always_IsAeoStatusList() =>
        Assert.AreEqual("aeo.status-list", Adapter.DocumentType);

    [TestMethod]
    public void CanRead_OwnSample_True() =>
        Assert.IsTrue(Adapter.CanRead(AdapterAssert.ReadData(Sample)));

    [TestMethod]
    public void CanRead_ForeignSample_False() =>
        Assert.IsFalse(Adapter.CanRead(AdapterAssert.ReadData(ForeignSample)));

    [TestMethod]
    [DataRow("")]
    [DataRow("not a list at all")]
    [DataRow("{}")]
    [DataRow("<a/>")]
    public void CanRead_Garbage_False(string text) =>
        Assert.IsFalse(Adapter.CanRead(Encoding.UTF8.GetBytes(text)));

    [TestMethod]
    public void ToCanonical_ForeignSample_Refused()
    {
        AdapterResult result = Adapter.ToCanonical(AdapterAssert.ReadData(ForeignSample));

        Assert.IsFalse(result.IsSuccess);
        CollectionAssert.Contains(new[] { "MALFORMED", "SCHEMA_INVALID" }, result.Error?.ReasonCode, result.Error?.Message);
    }

    [TestMethod]
    public void ToCanonical_Empty_Malformed() =>
        Assert.AreEqual("MALFORMED", Adapter.ToCanonical(ReadOnlyMemory<byte>.Empty).Error?.ReasonCode);

    [TestMethod]
    public void ToCanonical_InvalidUtf8_Malformed()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);
        sample[sample.Length - 20] = 0xFF;

        AdapterResult result = Adapter.ToCanonical(sample);

        Assert.AreEqual("MALFORMED", result.Error?.ReasonCode, result.Error?.Message);
    }

    [TestMethod]
    public void ToCanonical_EveryPrefixOfSample_NeverThrows()
    {
        byte[] sample = AdapterAssert.ReadData(Sample);
        for (int length = 0; length < sample.Length; length += 3)
        {
            AdapterResult result = Adapter.ToCanonical(sample.AsMemory(0, length));
            Assert.AreNotEqual(result.IsSuccess, result.Error is not null, $"prefix of {length} bytes");
        }
    }

    [TestMethod]
    public void Translate_UnknownStatusCode_RuleViolationAeoStatus()
    {
        Translation translation = Catalog.Translate(Adapter, Encoding.UTF8.GetBytes(WithUnknownStatus(SampleText)));

        Assert.AreEqual("RULE_VIOLATION", translation.Error?.ReasonCode, translation.Error?.Message);
        Assert.AreEqual(RuleIds.AeoStatus, translation.Error?.RuleId);
        Assert.IsNotNull(translation.Document, "a list that parsed is kept for the log even when refused");
    }

    [TestMethod]
    public void FromCanonical_Rendering_IsDeterministicAndReadable()
    {
        AeoStatusList list = CanonicalList();

        byte[] first = Adapter.FromCanonical(list);
        byte[] second = Adapter.FromCanonical(list);

        CollectionAssert.AreEqual(first, second);
        Assert.IsTrue(Adapter.CanRead(first));
        Assert.IsFalse(first.AsSpan().StartsWith("\uFEFF"u8), "no byte order mark");
    }

    [TestMethod]
    public void FromCanonical_DeltaWithOtherStatuses_RoundTrips()
    {
        AeoStatusList list = CanonicalList();
        AeoStatusList delta = list with
        {
            Kind = AeoListKind.Delta,
            ListId = list.ListId + "-D",
            Records = [list.Records[0] with { Status = AeoStatus.Revoked, StatusDate = list.AsOf }],
        };

        AssertRoundTrips(delta, "delta");
    }

    [TestMethod]
    public void FromCanonical_NameWithDelimitersAndMarkup_RoundTrips()
    {
        AeoStatusList list = CanonicalList();
        AeoStatusList odd = list with
        {
            Records = [list.Records[0] with { LegalName = "Say \"Hi\", Ltd. <&> 'x'\r\nsecond line" }, .. list.Records.Skip(1)],
        };

        AssertRoundTrips(odd, "name with quotes, comma, markup and a line break");
    }

    [TestMethod]
    public void FromCanonical_OtherDocumentType_Throws()
    {
        var query = (AeoStatusQuery)CanonicalJson.Parse(AdapterAssert.ReadData("aeo/canonical/query-001.json")).Document!;

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(query));
    }

    [TestMethod]
    public void FromCanonical_OtherIssuingCountry_ThrowsOrRoundTrips()
    {
        var foreign = CanonicalList() with { IssuingCountry = "SG" };
        foreign = foreign with { Records = [.. foreign.Records.Select(r => r with { Programme = "SG-AEO" })] };
        if (!CarriesForeignLists)
        {
            Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(foreign));
            return;
        }

        AdapterAssert.AssertJsonEquivalent(CanonicalJson.Serialize(foreign), CanonicalJson.Serialize(Adapter.ToCanonical(Adapter.FromCanonical(foreign)).Document!), "foreign list");
    }

    [TestMethod]
    public void FromCanonical_StatusTheFormatLacks_Throws()
    {
        AeoStatusList list = CanonicalList();

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(list with { Records = [list.Records[0] with { Status = "dormant" }] }));
    }

    [TestMethod]
    public void FromCanonical_ForeignNationalIdScheme_ThrowsOrRoundTrips()
    {
        AeoStatusList list = CanonicalList();
        AeoRecord record = list.Records[0] with { NationalIds = [new PartyIdentifier { Scheme = "SG-UEN", Value = "201912345K" }] };
        if (!CarriesForeignLists)
        {
            Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(list with { Records = [record] }));
            return;
        }

        var roundTrip = (AeoStatusList)Adapter.ToCanonical(Adapter.FromCanonical(list with { Records = [record] })).Document!;
        Assert.AreEqual("SG-UEN:201912345K", $"{roundTrip.Records[0].NationalIds[0].Scheme}:{roundTrip.Records[0].NationalIds[0].Value}");
    }
}
