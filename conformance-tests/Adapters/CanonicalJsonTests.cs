using System.Text;
using System.Text.Json;
using N2N.Adapters;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class CanonicalJsonTests
{
    private const string Co001 = "ecfa-co/canonical/co-001.json";

    private static CertificateOfOrigin ParseCo001() =>
        (CertificateOfOrigin)CanonicalJson.Parse(AdapterAssert.ReadData(Co001)).Document!;

    private static string Canonicalize(string json) =>
        Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    [TestMethod]
    public void Canonicalize_Rfc8785Section322Example_MatchesPublishedOutput()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";

        Assert.AreEqual(expected, Canonicalize(input));
    }

    [TestMethod]
    public void Canonicalize_Rfc8785Section323SortingExample_SortsByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        string expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
            + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

        Assert.AreEqual(expected, Canonicalize(input));
    }

    // RFC 8785 appendix B: IEEE 754 bit patterns and their canonical text.
    [TestMethod]
    [DataRow(0x0000000000000000UL, "0")]
    [DataRow(0x8000000000000000UL, "0")]
    [DataRow(0x0000000000000001UL, "5e-324")]
    [DataRow(0x8000000000000001UL, "-5e-324")]
    [DataRow(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [DataRow(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [DataRow(0x4340000000000000UL, "9007199254740992")]
    [DataRow(0xc340000000000000UL, "-9007199254740992")]
    [DataRow(0x4430000000000000UL, "295147905179352830000")]
    [DataRow(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [DataRow(0x44b52d02c7e14af6UL, "1e+23")]
    [DataRow(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [DataRow(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [DataRow(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [DataRow(0x444b1ae4d6e2ef50UL, "1e+21")]
    [DataRow(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [DataRow(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [DataRow(0x41b3de4355555553UL, "333333333.3333332")]
    [DataRow(0x41b3de4355555554UL, "333333333.33333325")]
    [DataRow(0x41b3de4355555555UL, "333333333.3333333")]
    [DataRow(0x41b3de4355555556UL, "333333333.3333334")]
    [DataRow(0x41b3de4355555557UL, "333333333.33333343")]
    [DataRow(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [DataRow(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void FormatNumber_Rfc8785AppendixB_MatchesPublishedText(ulong bits, string expected) =>
        Assert.AreEqual(expected, CanonicalJson.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));

    [TestMethod]
    [DataRow(double.NaN)]
    [DataRow(double.PositiveInfinity)]
    public void FormatNumber_NotFinite_Throws(double value) =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CanonicalJson.FormatNumber(value));

    [TestMethod]
    [DataRow("{\"a\":1,\"a\":2}")]
    [DataRow("[\"\\ud800\"]")]
    [DataRow("[1e400]")]
    [DataRow("{\"a\":1} {}")]
    public void Canonicalize_NotIJson_ThrowsJsonException(string json) =>
        Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    [TestMethod]
    public void Serialize_Co001_IsRfc8785FormOfTheSampleFile()
    {
        byte[] file = AdapterAssert.ReadData(Co001);

        byte[] serialized = CanonicalJson.Serialize(ParseCo001());

        Assert.AreEqual(Encoding.UTF8.GetString(CanonicalJson.Canonicalize(file)), Encoding.UTF8.GetString(serialized));
    }

    [TestMethod]
    public void Serialize_ParseOfOwnOutput_IsStable()
    {
        byte[] first = CanonicalJson.Serialize(ParseCo001());

        AdapterResult reparsed = CanonicalJson.Parse(first);

        Assert.IsTrue(reparsed.IsSuccess, reparsed.Error?.Message);
        CollectionAssert.AreEqual(first, CanonicalJson.Serialize(reparsed.Document!));
    }

    [TestMethod]
    public void Serialize_Co001_WritesNumbersInShortestFormAndNoWhitespace()
    {
        string json = Encoding.UTF8.GetString(CanonicalJson.Serialize(ParseCo001()));

        StringAssert.StartsWith(json, "{\"certificateNumber\":\"ECFA-TW-115-0001234\",\"certification\":{");
        StringAssert.Contains(json, "\"amount\":96000,");
        StringAssert.Contains(json, "\"amount\":18250.75,");
        StringAssert.Contains(json, "\"quantity\":{\"unitCode\":\"KGM\",\"value\":350.5}");
        StringAssert.Contains(json, "\"documentType\":\"ecfa.co\"");
        StringAssert.Contains(json, "\"originMarkers\":[]");
        StringAssert.Contains(json, "\"issueDate\":\"2026-11-20\"");
        Assert.DoesNotContain("\n", json);
        Assert.DoesNotContain(": ", json);
        Assert.DoesNotContain("\\u", json);
    }

    [TestMethod]
    public void Serialize_AbsentOptionalFields_AreOmittedNotNull()
    {
        CertificateOfOrigin co = ParseCo001() with { Remarks = null, ExportDeclarationNumber = null };

        string json = Encoding.UTF8.GetString(CanonicalJson.Serialize(co));

        Assert.DoesNotContain("remarks", json);
        Assert.DoesNotContain("exportDeclarationNumber", json);
        Assert.DoesNotContain("null", json);
    }

    [TestMethod]
    public void Parse_Co001_ReadsValues()
    {
        CertificateOfOrigin co = ParseCo001();

        Assert.AreEqual("ecfa.co", co.DocumentType);
        Assert.AreEqual(new DateOnly(2027, 11, 19), co.ValidUntil);
        Assert.AreEqual(96000m, co.Items[0].Invoice.Amount);
        Assert.IsNull(co.Exporter.Fax);
        Assert.HasCount(3, co.Items);
    }

    [TestMethod]
    [DataRow("", "MALFORMED")]
    [DataRow("{\"documentType\":", "MALFORMED")]
    [DataRow("{\"documentType\":\"ecfa.co\",\"documentType\":\"ecfa.co\"}", "MALFORMED")]
    [DataRow("[]", "SCHEMA_INVALID")]
    [DataRow("{}", "SCHEMA_INVALID")]
    [DataRow("{\"documentType\":\"no.such.type\"}", "SCHEMA_INVALID")]
    [DataRow("{\"documentType\":\"ecfa.co\"}", "SCHEMA_INVALID")]
    public void Parse_BadInput_RefusedWithReason(string json, string reasonCode)
    {
        AdapterResult result = CanonicalJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.IsFalse(result.IsSuccess);
        Assert.AreEqual(reasonCode, result.Error?.ReasonCode, result.Error?.Message);
    }

    [TestMethod]
    [DataRow("\"certificateNumber\": \"ECFA-TW-115-0001234\",", "", "missing required member")]
    [DataRow("\"issueDate\": \"2026-11-20\"", "\"issueDate\": \"2026-13-20\"", "impossible date")]
    [DataRow("\"issueDate\": \"2026-11-20\"", "\"issueDate\": \"20261120\"", "non-ISO date")]
    [DataRow("\"retroactive\": false", "\"retroactive\": \"no\"", "wrong type")]
    [DataRow("\"remarks\":", "\"surprise\": 1, \"remarks\":", "unknown member")]
    [DataRow("\"certificateNumber\": \"ECFA-TW-115-0001234\"", "\"certificateNumber\": null", "null for a required value")]
    [DataRow("\"itemNumber\": 1,", "\"itemNumber\": 1.5,", "fraction for a whole number")]
    [DataRow("\"originMarkers\": [],", "", "missing originMarkers")]
    [DataRow("\"originMarkers\": [],", "\"originMarkers\": [null],", "null marker")]
    [DataRow("\"items\": [", "\"items\": [null, ", "null item")]
    [DataRow("\"producers\": [", "\"producers\": [null, ", "null producer")]
    public void Parse_ModelMismatch_SchemaInvalid(string original, string replacement, string what)
    {
        string text = Encoding.UTF8.GetString(AdapterAssert.ReadData(Co001));
        int at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, at, $"sample lacks {original}");
        string edited = text[..at] + replacement + text[(at + original.Length)..];

        AdapterResult result = CanonicalJson.Parse(Encoding.UTF8.GetBytes(edited));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode, $"{what}: {result.Error?.Message}");
    }

    [TestMethod]
    public void ToIndentedString_Co001_IsReadableAndParsesBack()
    {
        string text = CanonicalJson.ToIndentedString(ParseCo001());

        StringAssert.StartsWith(text, "{\n  \"documentType\": \"ecfa.co\"".ReplaceLineEndings());
        StringAssert.Contains(text, "台灣精密機械");
        AdapterResult again = CanonicalJson.Parse(Encoding.UTF8.GetBytes(text));
        Assert.IsTrue(again.IsSuccess, again.Error?.Message);
    }

    // Serialize takes a one-pass path; Canonicalize of the readable form sorts a tree. Both must give the same bytes,
    // because replay compares canonical bytes written by earlier versions with what this one writes.
    [TestMethod]
    public void Serialize_EverySampleDocument_EqualsTheTreeCanonicalisationOfItsReadableForm()
    {
        AdapterCatalog catalog = AdapterCatalog.CreateBuiltIn();
        int compared = 0;
        foreach (string file in Directory.EnumerateFiles(AdapterAssert.DataPath(), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            byte[] bytes = File.ReadAllBytes(file);
            AdapterResult read = file.Contains("canonical", StringComparison.Ordinal)
                ? CanonicalJson.Parse(bytes)
                : catalog.Adapters.FirstOrDefault(a => a.CanRead(bytes))?.ToCanonical(bytes) ?? AdapterResult.Fail(AdapterError.Malformed("no adapter"));
            if (read.Document is not { } document)
            {
                continue; // the invalid samples
            }

            AssertSameAsTree(document, file);
            compared++;
        }

        Assert.IsGreaterThanOrEqualTo(12, compared, "too few sample documents read");
    }

    [TestMethod]
    public void Serialize_AwkwardTextAndNumbers_EqualsTheTreeCanonicalisation()
    {
        // Characters each escaping scheme treats differently: JSON's must-escape set, HTML-sensitive ones, line and
        // paragraph separators, the private use area (sorted differently in UTF-8 and UTF-16), a surrogate pair, CJK.
        string[] pieces = ["\u0000", "\u0001", "\b", "\t", "\n", "\f", "\r", "\u001f", "\"", "\\", "/", "<", ">", "&", "'", "+", "`",
            "\u007f", "\u0080", "é", "\u2028", "\u2029", "\ue000", "\ufffd", "\uffff", "😀", "臺北", "a", " ", "0"];
        var random = new Random(8785);
        CertificateOfOrigin sample = ParseCo001();
        string Text() => string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
        decimal Number() => Math.Round((decimal)(random.NextDouble() * Math.Pow(10, random.Next(-6, 20))), random.Next(0, 10)) * (random.Next(2) * 2 - 1);

        for (int i = 0; i < 500; i++)
        {
            CertificateOfOrigin co = sample with
            {
                Remarks = Text(),
                Exporter = sample.Exporter with { Name = Text() },
                Items = [.. sample.Items.Select(item => item with
                {
                    Description = Text(),
                    OriginMarkers = [Text(), Text()],
                    Quantity = item.Quantity with { Value = Number() },
                    Invoice = item.Invoice with { Amount = Number() },
                })],
            };

            AssertSameAsTree(co, $"case {i}");
        }
    }

    private static void AssertSameAsTree(CanonicalDocument document, string context)
    {
        byte[] tree = CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(CanonicalJson.ToIndentedString(document)));

        byte[] serialized = CanonicalJson.Serialize(document);

        Assert.AreEqual(Encoding.UTF8.GetString(tree), Encoding.UTF8.GetString(serialized), context);
        CollectionAssert.AreEqual(tree, serialized, context);
    }

    [TestMethod]
    [DataRow("""{"a":1,"b":[1E30,4.50,2e-3,-0,333333333.33333329],"c":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"}""")]
    [DataRow("""{"a":{"z":1},"b":{"a":[{"y":true},{"x":null}]},"c":[],"d":{}}""")]
    [DataRow("""[{"b":1},{"a":"é😀\ud83d\ude00"},"text",false]""")]
    [DataRow("\"just a string\"")]
    public void TryWriteOrdered_MembersInOrder_SameBytesAsTheTree(string json)
    {
        byte[]? ordered = JcsWriter.TryWriteOrdered(Encoding.UTF8.GetBytes(json));

        Assert.IsNotNull(ordered);
        Assert.AreEqual(Canonicalize(json), Encoding.UTF8.GetString(ordered));
    }

    [TestMethod]
    [DataRow("""{"b":1,"a":2}""", "out of order")]
    [DataRow("""{"a":1,"a":2}""", "a duplicate")]
    [DataRow("""{"a":{"y":1,"x":2}}""", "out of order in a nested object")]
    [DataRow("""{"b":{"c":1},"a":1}""", "out of order after a nested object")]
    [DataRow("""{"a":1,"é":2}""", "a name that is not ASCII")]
    [DataRow("""{"a":1,"\u0062":2}""", "an escaped name")]
    public void TryWriteOrdered_NamesNotPlainlyAscending_LeavesItToTheTree(string json, string what)
    {
        Assert.IsNull(JcsWriter.TryWriteOrdered(Encoding.UTF8.GetBytes(json)), what);
    }

    [TestMethod]
    public void TryWriteOrdered_InvalidUtf8InAString_ThrowsJsonExceptionLikeTheTree()
    {
        byte[] json = [.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Throws<JsonException>(() => JcsWriter.TryWriteOrdered(json));
        Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize(json));
    }
}
