using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class CanonicalJsonAdapterTests
{
    private const string Query = "aeo/canonical/query-001.json";
    private const string Response = "aeo/canonical/response-001.json";

    private static readonly CanonicalJsonAdapter s_queryAdapter = new("aeo.status-query");
    private static readonly CanonicalJsonAdapter s_responseAdapter = new("aeo.status-response");

    [TestMethod]
    public void Id_AllInstances_AreTheCanonicalFormatId()
    {
        Assert.AreEqual("n2n.canonical/1", s_queryAdapter.Id);
        Assert.AreEqual("n2n.canonical/1", s_responseAdapter.Id);
        Assert.AreEqual("aeo.status-response", s_responseAdapter.DocumentType);
    }

    [TestMethod]
    public void ToCanonical_Query001_RoundTrips() =>
        AdapterAssert.AssertAdapterRoundTrip(s_queryAdapter, Query, Query);

    [TestMethod]
    public void ToCanonical_Response001_RoundTrips() =>
        AdapterAssert.AssertAdapterRoundTrip(s_responseAdapter, Response, Response);

    [TestMethod]
    [DataRow(Query)]
    [DataRow(Response)]
    public void FromCanonical_Sample_IsRfc8785BytesOfTheFile(string file)
    {
        byte[] bytes = AdapterAssert.ReadData(file);
        CanonicalJsonAdapter adapter = file == Query ? s_queryAdapter : s_responseAdapter;

        byte[] rendered = adapter.FromCanonical(adapter.ToCanonical(bytes).Document!);

        CollectionAssert.AreEqual(CanonicalJson.Canonicalize(bytes), rendered);
    }

    [TestMethod]
    public void CanRead_OwnTypeOnly()
    {
        byte[] query = AdapterAssert.ReadData(Query);
        byte[] response = AdapterAssert.ReadData(Response);

        Assert.IsTrue(s_queryAdapter.CanRead(query));
        Assert.IsFalse(s_queryAdapter.CanRead(response));
        Assert.IsTrue(s_responseAdapter.CanRead(response));
        Assert.IsFalse(s_responseAdapter.CanRead(query));
        Assert.IsTrue(s_responseAdapter.CanRead(CanonicalJson.Serialize(s_responseAdapter.ToCanonical(response).Document!)), "RFC 8785 form too");
        Assert.IsFalse(s_queryAdapter.CanRead(AdapterAssert.ReadData("aeo/us/status-list-001.json")));
        Assert.IsFalse(s_queryAdapter.CanRead("{\"documentType\":"u8));
    }

    [TestMethod]
    public void ToCanonical_DocumentOfAnotherType_SchemaInvalid()
    {
        AdapterResult result = s_queryAdapter.ToCanonical(AdapterAssert.ReadData(Response));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode);
    }

    [TestMethod]
    public void ToCanonical_Garbage_Malformed() =>
        Assert.AreEqual("MALFORMED", s_queryAdapter.ToCanonical("{\"documentType\""u8.ToArray()).Error?.ReasonCode);

    [TestMethod]
    public void ToCanonical_InvalidUtf8InsideAString_Malformed()
    {
        byte[] bytes = AdapterAssert.ReadData(Query);
        int at = Array.IndexOf(bytes, (byte)'6'); // first character of the request id
        bytes[at] = 0xFF;

        Assert.AreEqual("MALFORMED", s_queryAdapter.ToCanonical(bytes).Error?.ReasonCode);
    }

    [TestMethod]
    public void FromCanonical_DocumentOfAnotherType_Throws()
    {
        CanonicalDocument response = s_responseAdapter.ToCanonical(AdapterAssert.ReadData(Response)).Document!;

        Assert.ThrowsExactly<ArgumentException>(() => s_queryAdapter.FromCanonical(response));
    }

    [TestMethod]
    public void Constructor_UnknownDocumentType_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() => new CanonicalJsonAdapter("aeo.status-gossip"));

    [TestMethod]
    public void Translate_ResponseWithBadBrn_RuleViolation()
    {
        string text = Encoding.UTF8.GetString(AdapterAssert.ReadData(Response)).Replace("1234567891", "1234567890", StringComparison.Ordinal);

        Translation translation = AdapterCatalog.CreateBuiltIn().Translate(s_responseAdapter, Encoding.UTF8.GetBytes(text));

        Assert.AreEqual("party.kr-brn", translation.Error?.RuleId);
    }
}
