using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using N2N.Adapters.Canonical;

namespace N2N.Adapters;

/// <summary>Strict reading of partner JSON documents and cheap sniffing of their top-level members, shared by the JSON adapters.</summary>
internal static class PartnerJson
{
    // Enough for any sane set of leading members; CanRead must stay cheap for large documents.
    private const int HeadBytes = 64 * 1024;

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowDuplicateProperties = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    /// <summary>
    /// True when the document is a JSON object whose top-level member <paramref name="name"/> is the string
    /// <paramref name="value"/>; reads only the head of the document, skipping other members.
    /// </summary>
    public static bool HeadHasMember(ReadOnlySpan<byte> document, string name, string value)
    {
        ReadOnlySpan<byte> head = SkipBom(document);
        bool isFinal = head.Length <= HeadBytes;
        head = head[..Math.Min(head.Length, HeadBytes)];
        var reader = new Utf8JsonReader(head, isFinal, new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 }));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool wanted = reader.ValueTextEquals(name);
                if (!reader.Read())
                {
                    return false;
                }

                if (wanted)
                {
                    return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(value);
                }

                if (!reader.TrySkip())
                {
                    return false;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Parses the document (a UTF-8 BOM is tolerated), requires an object and maps it; every failure becomes an <see cref="AdapterError"/>.</summary>
    public static AdapterResult Read(ReadOnlyMemory<byte> document, string format, Func<JsonElement, CanonicalDocument> map)
    {
        if (document.Span.StartsWith("\uFEFF"u8))
        {
            document = document[3..];
        }

        // JsonDocument checks the UTF-8 of the structure but not inside strings until they are read.
        if (!Utf8.IsValid(document.Span))
        {
            return AdapterResult.Fail(AdapterError.Malformed("The document is not valid UTF-8."));
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(document, s_documentOptions);
        }
        catch (JsonException ex)
        {
            return AdapterResult.Fail(AdapterError.Malformed($"Not well-formed JSON: {ex.Message}"));
        }

        using (parsed)
        {
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid($"A {format} document is a JSON object, not {parsed.RootElement.ValueKind}."));
            }

            try
            {
                return AdapterResult.Ok(map(parsed.RootElement));
            }
            catch (PartnerDataException ex)
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid(ex.Message));
            }
        }
    }

    /// <summary>Refuses members the format does not define.</summary>
    public static void AllowOnly(JsonElement element, string path, params string[] names)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (System.Array.IndexOf(names, property.Name) < 0)
            {
                throw new PartnerDataException($"Unexpected member {path}.{property.Name}.");
            }
        }
    }

    /// <summary>A required member that must be an object.</summary>
    public static JsonElement Object(JsonElement parent, string name, string path) =>
        Member(parent, name, path) is { ValueKind: JsonValueKind.Object } value
            ? value
            : throw new PartnerDataException($"{path}.{name} must be an object.");

    /// <summary>A required member that must be an array.</summary>
    public static JsonElement Array(JsonElement parent, string name, string path) =>
        Member(parent, name, path) is { ValueKind: JsonValueKind.Array } value
            ? value
            : throw new PartnerDataException($"{path}.{name} must be an array.");

    /// <summary>Trimmed, non-empty string of a required member.</summary>
    public static string Text(JsonElement parent, string name, string path) =>
        OptionalText(parent, name, path) ?? throw new PartnerDataException($"{path}.{name} is missing or empty.");

    /// <summary>Trimmed string of an optional member; missing, null or empty is absent; any other kind is a schema error.</summary>
    public static string? OptionalText(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new PartnerDataException($"{path}.{name} must be a string, not {value.ValueKind}.");
        }

        string text = value.GetString()!.Trim();
        return text.Length > 0 ? text : null;
    }

    public static DateOnly ParseDate(string text, string format, string path, string what) =>
        DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly value)
            ? value
            : throw new PartnerDataException($"{what} '{text}' at {path} is not a date in the form {format}.");

    /// <summary>Looks a partner code up in a code map; unknown codes are schema errors.</summary>
    public static string MapCode(IReadOnlyDictionary<string, string> map, string code, string path, string what) =>
        map.TryGetValue(code, out string? mapped)
            ? mapped
            : throw new PartnerDataException($"{what} '{code}' at {path} is not one of: {string.Join(", ", map.Keys)}.");

    private static JsonElement Member(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new PartnerDataException($"Missing member {path}.{name}.");

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> document) =>
        document.StartsWith("\uFEFF"u8) ? document[3..] : document;
}

/// <summary>A structural problem found while mapping a partner JSON or CSV document; reported as <c>SCHEMA_INVALID</c>.</summary>
internal sealed class PartnerDataException(string message) : Exception(message);
