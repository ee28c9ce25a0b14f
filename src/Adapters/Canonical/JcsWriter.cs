using System.Globalization;
using System.Text;
using System.Text.Json;

namespace N2N.Adapters.Canonical;

/// <summary>Writes a JSON tree in the RFC 8785 JSON Canonicalization Scheme.</summary>
internal static class JcsWriter
{
    // Throwing on lone surrogates is what RFC 8785 section 3.2.2.2 asks for.
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Write(JsonElement element)
    {
        var builder = new StringBuilder();
        try
        {
            WriteValue(builder, element);
            return s_utf8.GetBytes(builder.ToString());
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

    private static void WriteValue(StringBuilder builder, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(builder, element);
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                bool first = true;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    WriteValue(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out double number) || !double.IsFinite(number))
                {
                    throw new JsonException($"Number {element.GetRawText()} is outside the IEEE 754 double range.");
                }

                builder.Append(FormatNumber(number));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                throw new JsonException($"Unexpected JSON value kind {element.ValueKind}.");
        }
    }

    private static void WriteObject(StringBuilder builder, JsonElement element)
    {
        var properties = new List<(string Name, JsonElement Value)>();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            properties.Add((property.Name, property.Value));
        }

        // Ordinal string comparison is comparison by UTF-16 code units, which is what RFC 8785 sorts by.
        properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));

        builder.Append('{');
        for (int i = 0; i < properties.Count; i++)
        {
            if (i > 0)
            {
                if (string.Equals(properties[i - 1].Name, properties[i].Name, StringComparison.Ordinal))
                {
                    throw new JsonException($"Duplicate property '{properties[i].Name}'.");
                }

                builder.Append(',');
            }

            WriteString(builder, properties[i].Name);
            builder.Append(':');
            WriteValue(builder, properties[i].Value);
        }

        builder.Append('}');
    }

    private static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
