using System.Text;

namespace N2N.Adapters;

/// <summary>RFC 4180 CSV: strict reading and deterministic writing, shared by the CSV adapters.</summary>
/// <remarks>
/// Reading accepts CRLF or LF record ends, quoted fields holding commas, quotes (doubled) and line breaks, a UTF-8 BOM,
/// and a final line end or none. A quote inside an unquoted field, text after a closing quote, an unterminated quoted
/// field or bytes that are not UTF-8 make the document malformed. Writing uses CRLF after every record, no BOM, and
/// quotes exactly the fields that hold a comma, a quote, CR or LF.
/// </remarks>
internal static class PartnerCsv
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One record: its fields and the line it starts on (1-based), for error messages.</summary>
    public sealed record Row(IReadOnlyList<string> Fields, int Line);

    /// <summary>The document's records; null and a reason when it is not UTF-8 CSV.</summary>
    public static IReadOnlyList<Row>? TryParse(ReadOnlySpan<byte> document, out string? error)
    {
        if (document.StartsWith("\uFEFF"u8))
        {
            document = document[3..];
        }

        string text;
        try
        {
            text = s_strictUtf8.GetString(document);
        }
        catch (DecoderFallbackException ex)
        {
            error = $"Not UTF-8: {ex.Message}";
            return null;
        }

        return TryParse(text, out error);
    }

    /// <summary>The text's records; null and a reason when it breaks RFC 4180 quoting.</summary>
    public static IReadOnlyList<Row>? TryParse(string text, out string? error)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        int i = 0;
        error = null;

        while (i < text.Length)
        {
            // At the start of a field.
            if (text[i] == '"')
            {
                int openedOn = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        error = $"Line {openedOn}: a quoted field is not closed.";
                        return null;
                    }

                    char c = text[i++];
                    if (c == '"')
                    {
                        if (i < text.Length && text[i] == '"')
                        {
                            field.Append('"');
                            i++;
                            continue;
                        }

                        break;
                    }

                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    error = $"Line {line}: text follows a closing quote.";
                    return null;
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        error = $"Line {line}: a quote inside an unquoted field.";
                        return null;
                    }

                    field.Append(text[i++]);
                }
            }

            fields.Add(field.ToString());
            field.Clear();

            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == ',')
            {
                i++;
                if (i == text.Length)
                {
                    fields.Add(""); // a trailing comma ends with one empty field
                }

                continue;
            }

            // End of record: CRLF or LF; a lone CR is not a record end.
            if (text[i] == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n')
                {
                    error = $"Line {line}: a carriage return outside quotes is not followed by a line feed.";
                    return null;
                }

                i++;
            }

            i++;
            rows.Add(new Row([.. fields], rowLine));
            fields.Clear();
            line++;
            rowLine = line;
        }

        if (fields.Count > 0)
        {
            rows.Add(new Row([.. fields], rowLine));
        }

        return rows;
    }

    /// <summary>UTF-8 CSV text, CRLF after every record, fields quoted only when they must be.</summary>
    public static byte[] Write(IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        foreach (IReadOnlyList<string> row in rows)
        {
            for (int i = 0; i < row.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                string value = row[i];
                if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                {
                    text.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                }
                else
                {
                    text.Append(value);
                }
            }

            text.Append("\r\n");
        }

        return s_strictUtf8.GetBytes(text.ToString());
    }
}
