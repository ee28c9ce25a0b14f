using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace N2N.Adapters.Canonical;

/// <summary>Reads and writes canonical documents as JSON; <see cref="Serialize"/> gives RFC 8785 (JCS) bytes for hashing.</summary>
public static class CanonicalJson
{
    // One entry per canonical document type.
    private static readonly Dictionary<string, Type> s_documentTypes = new(StringComparer.Ordinal)
    {
        [CertificateOfOrigin.TypeName] = typeof(CertificateOfOrigin),
        [AeoStatusList.TypeName] = typeof(AeoStatusList),
        [AeoStatusQuery.TypeName] = typeof(AeoStatusQuery),
        [AeoStatusResponse.TypeName] = typeof(AeoStatusResponse),
    };

    // Strict on input: the canonical form is ours, so anything unexpected is a schema error, not a guess.
    private static readonly JsonSerializerOptions s_options = CreateOptions(indented: false);
    private static readonly JsonSerializerOptions s_indentedOptions = CreateOptions(indented: true);

    // The same contract, members written in RFC 8785 order (ordinal by name) and text unescaped where JSON allows, so
    // that JcsWriter.TryWriteOrdered takes the output as it is.
    private static readonly JsonSerializerOptions s_orderedOptions = CreateOrderedOptions();

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowDuplicateProperties = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    /// <summary>The document types <see cref="Parse"/> understands.</summary>
    public static IReadOnlyCollection<string> DocumentTypes => s_documentTypes.Keys;

    /// <summary>Serialises a document to RFC 8785 canonical JSON (UTF-8): the bytes that are hashed and logged.</summary>
    public static byte[] Serialize(CanonicalDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        // Written in RFC 8785 member order and rewritten in one pass: this runs for every accepted message, and a
        // tree, sorted and walked, cost twice as much. Anything the pass cannot take as it is gets the tree after all.
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(document, document.GetType(), s_orderedOptions);
        if (JcsWriter.TryWriteOrdered(json) is { } canonical)
        {
            return canonical;
        }

        using JsonDocument tree = JsonDocument.Parse(json);
        return JcsWriter.Write(tree.RootElement);
    }

    /// <summary>Canonicalises arbitrary JSON text per RFC 8785.</summary>
    /// <exception cref="JsonException">The input is not valid I-JSON (bad syntax, duplicate keys, lone surrogates, numbers out of range).</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        using JsonDocument parsed = JsonDocument.ParseValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("Trailing content after the JSON value.");
        }

        return JcsWriter.Write(parsed.RootElement);
    }

    /// <summary>Formats a number the way RFC 8785 (ECMAScript <c>Number.prototype.toString</c>) does.</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or an infinity, which JSON cannot carry.</exception>
    public static string FormatNumber(double value) => JcsWriter.FormatNumber(value);

    /// <summary>Reads canonical JSON; dispatches on <c>documentType</c>. Never throws for bad input.</summary>
    public static AdapterResult Parse(ReadOnlyMemory<byte> json)
    {
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..]; // a UTF-8 byte order mark is tolerated, as editors add one
        }

        // JsonDocument checks the UTF-8 of the structure but not inside strings until they are read.
        if (!Utf8.IsValid(json.Span))
        {
            return AdapterResult.Fail(AdapterError.Malformed("Canonical JSON is not valid UTF-8."));
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, s_documentOptions);
        }
        catch (JsonException ex)
        {
            return AdapterResult.Fail(AdapterError.Malformed($"Canonical JSON is not well-formed: {ex.Message}"));
        }

        using (parsed)
        {
            JsonElement root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid("Canonical JSON must be an object."));
            }

            if (!root.TryGetProperty("documentType", out JsonElement typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid("Canonical JSON has no documentType string."));
            }

            string documentType = typeElement.GetString()!;
            if (!s_documentTypes.TryGetValue(documentType, out Type? type))
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid($"Unknown canonical documentType '{documentType}'."));
            }

            try
            {
                var document = (CanonicalDocument?)root.Deserialize(type, s_options);
                return document is null
                    ? AdapterResult.Fail(AdapterError.SchemaInvalid("Canonical JSON is null."))
                    : AdapterResult.Ok(document);
            }
            catch (JsonException ex)
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid($"Canonical {documentType} does not match the model: {ex.Message}"));
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or InvalidOperationException or ArgumentException)
            {
                return AdapterResult.Fail(AdapterError.SchemaInvalid($"Canonical {documentType} has an unreadable value: {ex.Message}"));
            }
        }
    }

    /// <summary>Indented JSON for people (property declaration order, non-ASCII text unescaped); not for hashing.</summary>
    public static string ToIndentedString(CanonicalDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return JsonSerializer.Serialize(document, document.GetType(), s_indentedOptions);
    }

    private static JsonSerializerOptions CreateOrderedOptions()
    {
        var options = new JsonSerializerOptions(s_options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(static type =>
        {
            if (type.Kind == JsonTypeInfoKind.Object)
            {
                // The order attribute of the readable form ([JsonPropertyOrder]) would win over the list order: both are set.
                List<JsonPropertyInfo> sorted = [.. type.Properties.OrderBy(p => p.Name, StringComparer.Ordinal)];
                type.Properties.Clear();
                for (int i = 0; i < sorted.Count; i++)
                {
                    sorted[i].Order = i;
                    type.Properties.Add(sorted[i]);
                }
            }
        });
        options.TypeInfoResolver = resolver;
        options.MakeReadOnly();
        return options;
    }

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            WriteIndented = indented,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        if (indented)
        {
            // Only for display: the canonical bytes are produced by JcsWriter, which does its own escaping.
            options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        }

        options.MakeReadOnly();
        return options;
    }
}
