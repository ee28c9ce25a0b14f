using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace N2N.Adapters.Canonical;

/// <summary>Writes a JSON tree in the RFC 8785 JSON Canonicalization Scheme.</summary>
internal static class JcsWriter
{
    // Throwing on lone surrogates is what RFC 8785 section 3.2.2.2 asks for.
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // What RFC 8785 escapes in a string: the quote, the backslash and the C0 controls; everything else is written as is.
    private static readonly SearchValues<char> s_escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    // Ordinal string comparison is comparison by UTF-16 code units, which is what RFC 8785 sorts by.
    private static readonly Comparer<(string Name, JsonElement Value)> s_byName =
        Comparer<(string Name, JsonElement Value)>.Create(static (a, b) => string.CompareOrdinal(a.Name, b.Name));

    public static byte[] Write(JsonElement element)
    {
        // Straight to UTF-8: canonical JSON is written for every accepted message, and a string built first and
        // encoded after was a second copy of it and most of the garbage.
        var output = new ArrayBufferWriter<byte>(4096);
        try
        {
            WriteValue(output, element);
            return output.WrittenSpan.ToArray();
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("A string cannot be read as UTF-16 text.", ex);
        }
        catch (EncoderFallbackException ex)
        {
            throw new JsonException("JSON text contains a lone surrogate, which RFC 8785 cannot canonicalise.", ex);
        }
    }

    /// <summary>
    /// Canonicalises JSON whose object members already come in RFC 8785 order (our serializer's output, see
    /// <see cref="CanonicalJson"/>) in one pass, without building a tree; null when some object's member names are not
    /// strictly ascending ASCII, which only <see cref="Write"/> can put right.
    /// </summary>
    /// <remarks>
    /// Same bytes as <see cref="Write"/> on the same input: values go through the same string and number writers, and
    /// the member order it would sort into is the order checked here (for ASCII names, byte order is UTF-16 order).
    /// </remarks>
    public static byte[]? TryWriteOrdered(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        var output = new ArrayBufferWriter<byte>(json.Length);
        // Per open container: whether it has a member yet, and (objects) where its last member name lies in the input.
        Span<bool> started = stackalloc bool[66];
        Span<(int Start, int Length)> lastName = stackalloc (int, int)[66];
        char[] text = ArrayPool<char>.Shared.Rent(json.Length);
        try
        {
            bool afterName = false;
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                JsonTokenType token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    WriteAscii(output, token == JsonTokenType.EndObject ? "}" : "]");
                    continue;
                }

                if (token == JsonTokenType.PropertyName)
                {
                    ReadOnlySpan<byte> name = reader.ValueSpan;
                    int start = checked((int)reader.TokenStartIndex) + 1;
                    if (reader.ValueIsEscaped || !Ascii.IsValid(name) ||
                        (started[depth] && json.Slice(lastName[depth].Start, lastName[depth].Length).SequenceCompareTo(name) >= 0))
                    {
                        return null;
                    }

                    Separate(output, started, depth);
                    lastName[depth] = (start, name.Length);
                    WriteAscii(output, "\"");
                    output.Write(name);
                    WriteAscii(output, "\":");
                    afterName = true;
                    continue;
                }

                if (!afterName && depth > 0)
                {
                    Separate(output, started, depth); // an array element
                }

                afterName = false;
                switch (token)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        WriteAscii(output, token == JsonTokenType.StartObject ? "{" : "[");
                        started[depth + 1] = false;
                        break;
                    case JsonTokenType.String when !reader.ValueIsEscaped:
                        // Unescaped JSON string content is the text's own UTF-8, with no quote, backslash or control
                        // in it: exactly what RFC 8785 writes, once it is known to be UTF-8 at all (the reader does not check).
                        if (!Utf8.IsValid(reader.ValueSpan))
                        {
                            throw new InvalidOperationException("invalid UTF-8 in a string");
                        }

                        WriteAscii(output, "\"");
                        output.Write(reader.ValueSpan);
                        WriteAscii(output, "\"");
                        break;
                    case JsonTokenType.String:
                        WriteString(output, text.AsSpan(0, reader.CopyString(text)));
                        break;
                    case JsonTokenType.Number:
                        WriteNumber(output, reader.TryGetDouble(out double number), number, reader.ValueSpan);
                        break;
                    case JsonTokenType.True:
                        WriteAscii(output, "true");
                        break;
                    case JsonTokenType.False:
                        WriteAscii(output, "false");
                        break;
                    case JsonTokenType.Null:
                        WriteAscii(output, "null");
                        break;
                    default:
                        throw new JsonException($"Unexpected JSON token {token}.");
                }
            }

            return output.WrittenSpan.ToArray();
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("A string cannot be read as UTF-16 text.", ex);
        }
        catch (EncoderFallbackException ex)
        {
            throw new JsonException("JSON text contains a lone surrogate, which RFC 8785 cannot canonicalise.", ex);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON numbers must be finite.");
        }

        if (value == 0)
        {
            return "0"; // also for -0, as ECMAScript does
        }

        // .NET's "R" gives the shortest round-tripping digits, as ECMAScript does; only the layout differs.
        string roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = roundTrip[0] == '-';
        string unsigned = negative ? roundTrip[1..] : roundTrip;

        int exponentAt = unsigned.IndexOfAny(['E', 'e']);
        string mantissa = exponentAt < 0 ? unsigned : unsigned[..exponentAt];
        int exponent = exponentAt < 0 ? 0 : int.Parse(unsigned[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

        int pointAt = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = pointAt < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, pointAt), mantissa.AsSpan(pointAt + 1));
        int integerDigits = pointAt < 0 ? mantissa.Length : pointAt;

        // value = 0.digits × 10^n, with digits having no leading or trailing zeros (ECMA-262 Number::toString).
        int n = integerDigits + exponent;
        int leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..].TrimEnd('0');
        n -= leadingZeros;
        int k = digits.Length;

        var text = new StringBuilder(32);
        if (negative)
        {
            text.Append('-');
        }

        if (k <= n && n <= 21)
        {
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            int e = n - 1;
            text.Append(digits[0]);
            if (k > 1)
            {
                text.Append('.').Append(digits, 1, k - 1);
            }

            text.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void WriteValue(ArrayBufferWriter<byte> output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(output, element);
                break;
            case JsonValueKind.Array:
                WriteAscii(output, "[");
                bool first = true;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        WriteAscii(output, ",");
                    }

                    first = false;
                    WriteValue(output, item);
                }

                WriteAscii(output, "]");
                break;
            case JsonValueKind.String:
                WriteString(output, element.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteNumber(output, element.TryGetDouble(out double number), number, JsonMarshal.GetRawUtf8Value(element));
                break;
            case JsonValueKind.True:
                WriteAscii(output, "true");
                break;
            case JsonValueKind.False:
                WriteAscii(output, "false");
                break;
            case JsonValueKind.Null:
                WriteAscii(output, "null");
                break;
            default:
                throw new JsonException($"Unexpected JSON value kind {element.ValueKind}.");
        }
    }

    private static void WriteObject(ArrayBufferWriter<byte> output, JsonElement element)
    {
        int count = element.GetPropertyCount();
        (string Name, JsonElement Value)[] properties = ArrayPool<(string, JsonElement)>.Shared.Rent(count);
        try
        {
            int at = 0;
            foreach (JsonProperty property in element.EnumerateObject())
            {
                properties[at++] = (property.Name, property.Value);
            }

            Array.Sort(properties, 0, count, s_byName);

            WriteAscii(output, "{");
            for (int i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    if (string.Equals(properties[i - 1].Name, properties[i].Name, StringComparison.Ordinal))
                    {
                        throw new JsonException($"Duplicate property '{properties[i].Name}'.");
                    }

                    WriteAscii(output, ",");
                }

                WriteString(output, properties[i].Name);
                WriteAscii(output, ":");
                WriteValue(output, properties[i].Value);
            }

            WriteAscii(output, "}");
        }
        finally
        {
            ArrayPool<(string, JsonElement)>.Shared.Return(properties, clearArray: true);
        }
    }

    private static void WriteNumber(ArrayBufferWriter<byte> output, bool read, double number, ReadOnlySpan<byte> text)
    {
        if (!read || !double.IsFinite(number))
        {
            throw new JsonException($"Number {Encoding.UTF8.GetString(text)} is outside the IEEE 754 double range.");
        }

        WriteAscii(output, FormatNumber(number));
    }

    private static void Separate(ArrayBufferWriter<byte> output, Span<bool> started, int depth)
    {
        if (started[depth])
        {
            WriteAscii(output, ",");
        }

        started[depth] = true;
    }

    private static void WriteString(ArrayBufferWriter<byte> output, ReadOnlySpan<char> value)
    {
        WriteAscii(output, "\"");
        ReadOnlySpan<char> rest = value;
        while (!rest.IsEmpty)
        {
            // Runs of characters that stand for themselves are encoded in one go; only '"', '\\' and controls are escaped.
            int run = rest.IndexOfAny(s_escaped);
            ReadOnlySpan<char> plain = run < 0 ? rest : rest[..run];
            if (!plain.IsEmpty)
            {
                Span<byte> target = output.GetSpan(s_utf8.GetMaxByteCount(plain.Length));
                output.Advance(s_utf8.GetBytes(plain, target));
            }

            if (run < 0)
            {
                break;
            }

            WriteAscii(output, rest[run] switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                char c => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            rest = rest[(run + 1)..];
        }

        WriteAscii(output, "\"");
    }

    private static void WriteAscii(ArrayBufferWriter<byte> output, string text)
    {
        Span<byte> target = output.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            target[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }
}
