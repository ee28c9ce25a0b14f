using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using N2N.Adapters;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

/// <summary>Assertions shared by the adapter suites: round trips, JSON compared by value, XML compared structurally.</summary>
public static class AdapterAssert
{
    /// <summary>Absolute path of a file under the copied <c>data</c> folder.</summary>
    public static string DataPath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "data", .. parts]);

    public static byte[] ReadData(params string[] parts) => File.ReadAllBytes(DataPath(parts));

    /// <summary>
    /// ToCanonical(partner file) equals the canonical JSON, and ToCanonical(FromCanonical(canonical)) equals it again.
    /// Paths are relative to the data folder, e.g. <c>ecfa-co/tw/co-001.xml</c>.
    /// </summary>
    public static void AssertAdapterRoundTrip(IDocumentAdapter adapter, string partnerFile, string canonicalFile)
    {
        byte[] partner = File.ReadAllBytes(DataPath(partnerFile));
        byte[] expectedJson = File.ReadAllBytes(DataPath(canonicalFile));

        AdapterResult fromPartner = adapter.ToCanonical(partner);
        Assert.IsTrue(fromPartner.IsSuccess, $"{adapter.Id} refused {partnerFile}: {fromPartner.Error}");
        AssertJsonEquivalent(expectedJson, CanonicalJson.Serialize(fromPartner.Document!), $"{adapter.Id}: {partnerFile}");

        AdapterResult expected = CanonicalJson.Parse(expectedJson);
        Assert.IsTrue(expected.IsSuccess, $"{canonicalFile} does not parse: {expected.Error}");
        byte[] rendered = adapter.FromCanonical(expected.Document!);
        AdapterResult again = adapter.ToCanonical(rendered);
        Assert.IsTrue(again.IsSuccess, $"{adapter.Id} refused its own rendering: {again.Error}");
        AssertJsonEquivalent(expectedJson, CanonicalJson.Serialize(again.Document!), $"{adapter.Id}: rendered {canonicalFile}");
    }

    /// <summary>Same JSON values: object member order ignored, numbers compared by value (96000.00 == 96000).</summary>
    public static void AssertJsonEquivalent(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual, string context)
    {
        using JsonDocument expectedDocument = JsonDocument.Parse(expected);
        using JsonDocument actualDocument = JsonDocument.Parse(actual);
        string? difference = JsonDifference(expectedDocument.RootElement, actualDocument.RootElement, "$");
        Assert.IsNull(difference, $"{context}: {difference}");
    }

    /// <summary>Same XML: names, attributes (namespace declarations ignored), element order and leaf text; whitespace between elements ignored.</summary>
    public static void AssertXmlEquivalent(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual, string context)
    {
        XElement expectedRoot = XDocument.Load(new MemoryStream(expected.ToArray()), LoadOptions.None).Root!;
        XElement actualRoot = XDocument.Load(new MemoryStream(actual.ToArray()), LoadOptions.None).Root!;
        string? difference = XmlDifference(expectedRoot, actualRoot, "/" + expectedRoot.Name.LocalName);
        Assert.IsNull(difference, $"{context}: {difference}");
    }

    private static string? JsonDifference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind} {expected.GetRawText()}, got {actual.ValueKind} {actual.GetRawText()}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
                if (!expectedNames.SequenceEqual(actualNames))
                {
                    return $"{path}: expected members [{string.Join(", ", expectedNames)}], got [{string.Join(", ", actualNames)}]";
                }

                foreach (string name in expectedNames)
                {
                    if (JsonDifference(expected.GetProperty(name), actual.GetProperty(name), $"{path}.{name}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} elements, got {actual.GetArrayLength()}";
                }

                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    if (JsonDifference(expected[i], actual[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonValueKind.Number:
                bool same = expected.TryGetDecimal(out decimal e) && actual.TryGetDecimal(out decimal a)
                    ? e == a
                    : expected.GetDouble().Equals(actual.GetDouble());
                return same ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            case JsonValueKind.String:
                return string.Equals(expected.GetString(), actual.GetString(), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected \"{expected.GetString()}\", got \"{actual.GetString()}\"";
            default:
                return null; // true, false, null: equal kinds are equal values
        }
    }

    private static string? XmlDifference(XElement expected, XElement actual, string path)
    {
        if (expected.Name != actual.Name)
        {
            return $"{path}: expected element {expected.Name}, got {actual.Name}";
        }

        string expectedAttributes = Attributes(expected);
        string actualAttributes = Attributes(actual);
        if (expectedAttributes != actualAttributes)
        {
            return $"{path}: expected attributes [{expectedAttributes}], got [{actualAttributes}]";
        }

        var expectedChildren = expected.Elements().ToList();
        var actualChildren = actual.Elements().ToList();
        if (expectedChildren.Count == 0 && actualChildren.Count == 0)
        {
            return string.Equals(expected.Value, actual.Value, StringComparison.Ordinal)
                ? null
                : $"{path}: expected text \"{expected.Value}\", got \"{actual.Value}\"";
        }

        for (int i = 0; i < Math.Max(expectedChildren.Count, actualChildren.Count); i++)
        {
            if (i >= expectedChildren.Count)
            {
                return $"{path}: unexpected element {actualChildren[i].Name.LocalName} at position {i + 1}";
            }

            if (i >= actualChildren.Count)
            {
                return $"{path}: missing element {expectedChildren[i].Name.LocalName} at position {i + 1}";
            }

            string childPath = string.Create(CultureInfo.InvariantCulture, $"{path}/{expectedChildren[i].Name.LocalName}[{i + 1}]");
            if (XmlDifference(expectedChildren[i], actualChildren[i], childPath) is { } difference)
            {
                return difference;
            }
        }

        return null;
    }

    private static string Attributes(XElement element) =>
        string.Join(", ", element.Attributes()
            .Where(a => !a.IsNamespaceDeclaration)
            .Select(a => $"{a.Name}={a.Value}")
            .Order(StringComparer.Ordinal));
}
