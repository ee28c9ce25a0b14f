using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class AeoCanonicalModelTests
{
    [TestMethod]
    [DataRow("aeo/canonical/us-status-list-001.json", "aeo.status-list")]
    [DataRow("aeo/canonical/kr-status-list-001.json", "aeo.status-list")]
    [DataRow("aeo/canonical/kr-status-list-002-delta.json", "aeo.status-list")]
    [DataRow("aeo/canonical/jp-status-list-001.json", "aeo.status-list")]
    [DataRow("aeo/canonical/query-001.json", "aeo.status-query")]
    [DataRow("aeo/canonical/response-001.json", "aeo.status-response")]
    public void Serialize_ParsedSample_IsRfc8785FormOfTheFile(string file, string documentType)
    {
        byte[] bytes = AdapterAssert.ReadData(file);

        AdapterResult result = CanonicalJson.Parse(bytes);

        Assert.IsTrue(result.IsSuccess, result.Error?.Message);
        Assert.AreEqual(documentType, result.Document!.DocumentType);
        Assert.AreEqual(Encoding.UTF8.GetString(CanonicalJson.Canonicalize(bytes)), Encoding.UTF8.GetString(CanonicalJson.Serialize(result.Document)));
    }

    [TestMethod]
    public void DocumentTypes_Always_IncludeTheAeoTypes() =>
        CollectionAssert.IsSubsetOf(
            new[] { "ecfa.co", "aeo.status-list", "aeo.status-query", "aeo.status-response" },
            CanonicalJson.DocumentTypes.ToArray());

    [TestMethod]
    public void Parse_UsList_OptionalFieldsAbsent()
    {
        var list = (AeoStatusList)CanonicalJson.Parse(AdapterAssert.ReadData("aeo/canonical/us-status-list-001.json")).Document!;

        string json = Encoding.UTF8.GetString(CanonicalJson.Serialize(list));

        Assert.IsNull(list.Records[0].ValidTo);
        Assert.IsNull(list.Records[0].LegalNameLatin);
        Assert.DoesNotContain("validTo", json);
        Assert.DoesNotContain("legalNameLatin", json);
        Assert.DoesNotContain("null", json);
    }

    [TestMethod]
    public void Parse_NotFoundResponseWithoutRecord_Accepted()
    {
        const string json = """{"documentType":"aeo.status-response","requestId":"r1","found":false,"asOfDate":"2026-11-26"}""";

        AdapterResult result = CanonicalJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.IsTrue(result.IsSuccess, result.Error?.Message);
        Assert.IsNull(((AeoStatusResponse)result.Document!).Record);
    }

    [TestMethod]
    [DataRow("aeo/canonical/kr-status-list-001.json", "\"kind\": \"full\"", "\"kind\": \"partial\"", "unknown kind")]
    [DataRow("aeo/canonical/kr-status-list-001.json", "\"records\": [", "\"records\": [null, ", "null record")]
    [DataRow("aeo/canonical/kr-status-list-001.json", "\"nationalIds\": [", "\"nationalIds\": [null, ", "null national id")]
    [DataRow("aeo/canonical/kr-status-list-001.json", "\"asOf\": \"2026-11-25\"", "\"asOf\": \"20261125\"", "non-ISO date")]
    [DataRow("aeo/canonical/kr-status-list-001.json", "\"tier\": \"AAA\",", "\"tier\": \"AAA\", \"grade\": 1,", "unknown member")]
    [DataRow("aeo/canonical/kr-status-list-001.json", "\"legalName\": \"한국정밀부품 주식회사\",", "", "missing legal name")]
    [DataRow("aeo/canonical/query-001.json", "\"aeoId\": \"220300123456\",", "", "query without AEO id")]
    [DataRow("aeo/canonical/response-001.json", "\"found\": true", "\"found\": false", "not found but a record")]
    [DataRow("aeo/canonical/response-001.json", "\"found\": true", "\"found\": \"yes\"", "found not a boolean")]
    public void Parse_ModelMismatch_SchemaInvalid(string file, string original, string replacement, string what)
    {
        string text = Encoding.UTF8.GetString(AdapterAssert.ReadData(file));
        int at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, $"sample lacks {original}");
        string edited = text[..at] + replacement + text[(at + original.Length)..];

        AdapterResult result = CanonicalJson.Parse(Encoding.UTF8.GetBytes(edited));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode, $"{what}: {result.Error?.Message}");
    }

    [TestMethod]
    public void Parse_FoundResponseWithoutRecord_SchemaInvalid()
    {
        const string json = """{"documentType":"aeo.status-response","requestId":"r1","found":true,"asOfDate":"2026-11-26"}""";

        Assert.AreEqual("SCHEMA_INVALID", CanonicalJson.Parse(Encoding.UTF8.GetBytes(json)).Error?.ReasonCode);
    }
}
