using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using N2N.Adapters.Canonical;

namespace N2N.Adapters;

/// <summary>Safe reading and deterministic writing of partner XML documents, shared by the XML adapters.</summary>
internal static class PartnerXml
{
    /// <summary>Largest document accepted, in characters; the node's transport limit is lower, this is the last line.</summary>
    public const long MaxCharacters = 16 * 1024 * 1024;

    // Enough to hold any sane prolog and the root start tag; CanRead must stay cheap for large documents.
    private const int HeadBytes = 64 * 1024;

    private static readonly XmlReaderSettings s_readerSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    };

    private static readonly XmlWriterSettings s_writerSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        // Entitize keeps a carriage return in text as &#xD;, so it survives a parser's newline normalisation.
        NewLineHandling = NewLineHandling.Entitize,
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Document,
    };

    /// <summary>True when the document's root element has this name; reads only the head of the document.</summary>
    public static bool HasRoot(ReadOnlySpan<byte> document, XName root)
    {
        byte[] head = document[..Math.Min(document.Length, HeadBytes)].ToArray();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(head), s_readerSettings);
            return reader.MoveToContent() == XmlNodeType.Element
                && reader.LocalName == root.LocalName
                && reader.NamespaceURI == root.NamespaceName;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>Parses the document, checks its root and maps it; every failure becomes an <see cref="AdapterError"/>.</summary>
    public static AdapterResult Read(ReadOnlyMemory<byte> document, XName root, Func<XElement, CanonicalDocument> map)
    {
        XDocument parsed;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(document.ToArray()), s_readerSettings);
            parsed = XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException ex)
        {
            return AdapterResult.Fail(AdapterError.Malformed($"Not well-formed XML: {ex.Message}"));
        }

        XElement? element = parsed.Root;
        if (element is null || element.Name != root)
        {
            return AdapterResult.Fail(AdapterError.SchemaInvalid(
                $"Root element is {{{element?.Name.NamespaceName}}}{element?.Name.LocalName}, expected {{{root.NamespaceName}}}{root.LocalName}."));
        }

        try
        {
            return AdapterResult.Ok(map(element));
        }
        catch (PartnerXmlException ex)
        {
            return AdapterResult.Fail(AdapterError.SchemaInvalid(ex.Message));
        }
    }

    /// <summary>UTF-8, declaration, two-space indent, LF line ends: the same document always gives the same bytes.</summary>
    public static byte[] Write(XElement root)
    {
        using var stream = new MemoryStream();
        stream.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"u8);
        using (var writer = XmlWriter.Create(stream, s_writerSettings))
        {
            root.WriteTo(writer);
        }

        stream.Write("\n"u8);
        return stream.ToArray();
    }

    /// <summary>Refuses child elements the format does not define.</summary>
    public static void AllowOnly(XElement parent, params string[] localNames)
    {
        foreach (XElement child in parent.Elements())
        {
            if (child.Name.Namespace != parent.Name.Namespace || Array.IndexOf(localNames, child.Name.LocalName) < 0)
            {
                throw new PartnerXmlException($"Unexpected element {child.Name.LocalName} in {PathOf(parent)}.");
            }
        }
    }

    /// <summary>The one child element of this name; missing or repeated is a schema error.</summary>
    public static XElement Element(XElement parent, string localName) =>
        OptionalElement(parent, localName) ?? throw new PartnerXmlException($"Missing element {PathOf(parent)}/{localName}.");

    /// <summary>The child element of this name, or null; repeated is a schema error.</summary>
    public static XElement? OptionalElement(XElement parent, string localName)
    {
        XElement? found = null;
        foreach (XElement child in parent.Elements(parent.Name.Namespace + localName))
        {
            if (found is not null)
            {
                throw new PartnerXmlException($"Element {PathOf(parent)}/{localName} appears more than once.");
            }

            found = child;
        }

        return found;
    }

    /// <summary>Trimmed, non-empty text of a required child element.</summary>
    public static string Text(XElement parent, string localName) => Text(Element(parent, localName));

    /// <summary>Trimmed, non-empty text of an element.</summary>
    public static string Text(XElement element)
    {
        if (element.HasElements)
        {
            throw new PartnerXmlException($"Element {PathOf(element)} must hold text, not elements.");
        }

        string text = element.Value.Trim();
        return text.Length > 0 ? text : throw new PartnerXmlException($"Element {PathOf(element)} is empty.");
    }

    /// <summary>Text of an optional child element; missing, empty or equal to <paramref name="noneMarker"/> is absent.</summary>
    public static string? OptionalText(XElement parent, string localName, string? noneMarker = null)
    {
        XElement? element = OptionalElement(parent, localName);
        if (element is null)
        {
            return null;
        }

        if (element.HasElements)
        {
            throw new PartnerXmlException($"Element {PathOf(element)} must hold text, not elements.");
        }

        string text = element.Value.Trim();
        return text.Length == 0 || text == noneMarker ? null : text;
    }

    /// <summary>Trimmed, non-empty value of a required attribute.</summary>
    public static string Attribute(XElement element, string name)
    {
        string? value = element.Attribute(name)?.Value.Trim();
        return string.IsNullOrEmpty(value)
            ? throw new PartnerXmlException($"Element {PathOf(element)} has no {name} attribute.")
            : value;
    }

    public static int ParseCount(string text, XElement at, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new PartnerXmlException($"{what} '{text}' in {PathOf(at)} is not a whole number.");

    public static decimal ParseDecimal(string text, XElement at, string what) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)
            ? value
            : throw new PartnerXmlException($"{what} '{text}' in {PathOf(at)} is not a decimal number.");

    public static DateOnly ParseDate(string text, string format, XElement at, string what) =>
        DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly value)
            ? value
            : throw new PartnerXmlException($"{what} '{text}' in {PathOf(at)} is not a date in the form {format}.");

    /// <summary>Text of an element that must be an ISO 3166-1 alpha-2 country code.</summary>
    public static string CountryCode(XElement element)
    {
        string code = Text(element);
        return code.Length == 2 && code.All(char.IsAsciiLetterUpper)
            ? code
            : throw new PartnerXmlException($"{PathOf(element)} '{code}' is not an ISO 3166 alpha-2 country code.");
    }

    /// <summary>Looks a partner code up in a code map; unknown codes are schema errors.</summary>
    public static string MapCode(IReadOnlyDictionary<string, string> map, string code, XElement at, string what) =>
        map.TryGetValue(code, out string? mapped)
            ? mapped
            : throw new PartnerXmlException($"{what} '{code}' in {PathOf(at)} is not one of: {string.Join(", ", map.Keys)}.");

    /// <summary>A readable location such as <c>Items/Item[2]/Box8HSCode</c> for error messages.</summary>
    public static string PathOf(XElement element)
    {
        var parts = new Stack<string>();
        for (XElement? e = element; e is not null; e = e.Parent)
        {
            string part = e.Name.LocalName;
            if (e.Parent is { } parent && parent.Elements(e.Name).Skip(1).Any())
            {
                part += $"[{parent.Elements(e.Name).TakeWhile(x => x != e).Count() + 1}]";
            }

            parts.Push(part);
        }

        return string.Join('/', parts);
    }

    /// <summary>Canonical to partner code; a value the format cannot express is the caller's error.</summary>
    public static string ReverseCode(IReadOnlyDictionary<string, string> map, string canonicalCode, string adapterId, string what)
    {
        foreach ((string partnerCode, string code) in map)
        {
            if (code == canonicalCode)
            {
                return partnerCode;
            }
        }

        throw new ArgumentException($"{adapterId} cannot express {what} '{canonicalCode}'.", nameof(canonicalCode));
    }
}

/// <summary>A structural problem found while mapping partner XML; reported as <c>SCHEMA_INVALID</c>.</summary>
internal sealed class PartnerXmlException(string message) : Exception(message);
