using System.Globalization;
using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;

namespace N2N.Adapters.Aeo;

/// <summary>The Japan Customs AEO list (CSV), <c>jp.customs.aeo-csv/1</c>: document type <c>aeo.status-list</c>.</summary>
/// <remarks>
/// RFC 4180 CSV in UTF-8 with a header row naming the columns (in any order; each exactly once, no others). Dates
/// <c>yyyy/MM/dd</c>; <c>STATUS</c> 有効 valid, 停止 suspended, 取消 revoked, 失効 expired (other values reach the
/// <c>aeo.status</c> rule verbatim); <c>CORPORATE_NUMBER</c> is scheme <c>JP-CN</c> and may be empty (sole
/// proprietors have none). <c>LIST_ID</c>, <c>LIST_KIND</c> (FULL/DELTA) and <c>BASE_DATE</c> repeat on every row and
/// must agree, so a list needs at least one row. The format has no tier, Latin-script name or valid-to date. Blank lines
/// are ignored. Rendering writes the columns in the order of <see cref="Columns"/>, CRLF line ends, no BOM.
/// </remarks>
public sealed class JapanAeoCsvAdapter : IDocumentAdapter
{
    /// <summary>The adapter id.</summary>
    public const string AdapterId = "jp.customs.aeo-csv/1";

    private const string DateFormat = "yyyy/MM/dd";
    private const string Japan = "JP";
    private const string Programme = "JP-AEO";

    private const string MraCode = "MRA_CODE";
    private const string CorporateNumber = "CORPORATE_NUMBER";
    private const string Name = "NAME";
    private const string AddressColumn = "ADDRESS";
    private const string StatusColumn = "STATUS";
    private const string ApprovalDate = "APPROVAL_DATE";
    private const string StatusDate = "STATUS_DATE";
    private const string ListId = "LIST_ID";
    private const string ListKind = "LIST_KIND";
    private const string BaseDate = "BASE_DATE";

    // Enough for the header row; CanRead must stay cheap for large documents.
    private const int HeadBytes = 4096;

    private static readonly Dictionary<string, string> s_listKinds = new(StringComparer.Ordinal)
    {
        ["FULL"] = AeoListKind.Full, ["DELTA"] = AeoListKind.Delta,
    };

    private static readonly Dictionary<string, string> s_statuses = new(StringComparer.Ordinal)
    {
        ["有効"] = AeoStatus.Valid, ["停止"] = AeoStatus.Suspended, ["取消"] = AeoStatus.Revoked, ["失効"] = AeoStatus.Expired,
    };

    /// <summary>The columns of the format, in the order they are written.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        [MraCode, CorporateNumber, Name, AddressColumn, StatusColumn, ApprovalDate, StatusDate, ListId, ListKind, BaseDate];

    /// <inheritdoc />
    public string Id => AdapterId;

    /// <inheritdoc />
    public string DocumentType => AeoStatusList.TypeName;

    /// <inheritdoc />
    /// <remarks>The first line is a CSV header naming <c>MRA_CODE</c> and <c>LIST_KIND</c>.</remarks>
    public bool CanRead(ReadOnlySpan<byte> document)
    {
        if (document.StartsWith("\uFEFF"u8))
        {
            document = document[3..];
        }

        ReadOnlySpan<byte> head = document[..Math.Min(document.Length, HeadBytes)];
        int lineEnd = head.IndexOf((byte)'\n');
        if (lineEnd < 0 && document.Length > HeadBytes)
        {
            return false;
        }

        ReadOnlySpan<byte> firstLine = (lineEnd < 0 ? head : head[..lineEnd]).TrimEnd((byte)'\r');
        bool hasCode = false;
        bool hasKind = false;
        foreach (Range range in firstLine.Split((byte)','))
        {
            ReadOnlySpan<byte> name = firstLine[range];
            hasCode |= name.SequenceEqual("MRA_CODE"u8);
            hasKind |= name.SequenceEqual("LIST_KIND"u8);
        }

        return hasCode && hasKind;
    }

    /// <inheritdoc />
    public AdapterResult ToCanonical(ReadOnlyMemory<byte> document)
    {
        IReadOnlyList<PartnerCsv.Row>? rows = PartnerCsv.TryParse(document.Span, out string? error);
        if (rows is null)
        {
            return AdapterResult.Fail(AdapterError.Malformed($"Not RFC 4180 CSV: {error}"));
        }

        rows = [.. rows.Where(r => r.Fields is not [""])];
        if (rows.Count == 0)
        {
            return AdapterResult.Fail(AdapterError.Malformed("The CSV document is empty."));
        }

        try
        {
            return AdapterResult.Ok(ReadList(rows));
        }
        catch (PartnerDataException ex)
        {
            return AdapterResult.Fail(AdapterError.SchemaInvalid(ex.Message));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The document is not a Japanese status list, has no records, or holds something this format cannot express.</exception>
    public byte[] FromCanonical(CanonicalDocument document)
    {
        AeoStatusList list = AeoFormat.ListOf(document, AdapterId, Japan, Programme);
        if (list.Records.Count == 0)
        {
            throw new ArgumentException($"{AdapterId} repeats the list id, kind and base date on every row, so it cannot carry an empty list.", nameof(document));
        }

        string kind = PartnerXml.ReverseCode(s_listKinds, list.Kind, AdapterId, "list kind");
        string baseDate = FormatDate(list.AsOf);
        var rows = new List<IReadOnlyList<string>> { Columns };
        foreach (AeoRecord record in list.Records)
        {
            AeoFormat.CannotExpress(record.Tier, "a tier", record, AdapterId);
            AeoFormat.CannotExpress(record.LegalNameLatin, "a Latin-script legal name", record, AdapterId);
            AeoFormat.CannotExpress(record.ValidTo, "a valid-to date", record, AdapterId);
            rows.Add(
            [
                record.AeoId,
                AeoFormat.NationalId(record, PartyIdRules.JapanCorporateNumberScheme, required: false, AdapterId) ?? "",
                record.LegalName,
                record.Address,
                PartnerXml.ReverseCode(s_statuses, record.Status, AdapterId, "status"),
                FormatDate(record.ValidFrom),
                FormatDate(record.StatusDate),
                list.ListId,
                kind,
                baseDate,
            ]);
        }

        return PartnerCsv.Write(rows);
    }

    private static AeoStatusList ReadList(IReadOnlyList<PartnerCsv.Row> rows)
    {
        Dictionary<string, int> columns = ReadHeader(rows[0]);
        if (rows.Count == 1)
        {
            throw new PartnerDataException("The list has no rows, so it has no list id, kind or base date.");
        }

        var records = new List<AeoRecord>();
        PartnerCsv.Row first = rows[1];
        foreach (PartnerCsv.Row row in rows.Skip(1))
        {
            if (row.Fields.Count != columns.Count)
            {
                throw new PartnerDataException($"Line {row.Line} has {row.Fields.Count} fields; the header has {columns.Count}.");
            }

            foreach (string column in (string[])[ListId, ListKind, BaseDate])
            {
                if (row.Fields[columns[column]] != first.Fields[columns[column]])
                {
                    throw new PartnerDataException(
                        $"Line {row.Line}: {column} '{row.Fields[columns[column]]}' differs from '{first.Fields[columns[column]]}' on line {first.Line}; it must be the same on every row.");
                }
            }

            records.Add(ReadRecord(row, columns));
        }

        return new AeoStatusList
        {
            IssuingCountry = Japan,
            ListId = Value(first, columns, ListId),
            Kind = MapKind(first, columns),
            AsOf = Date(first, columns, BaseDate),
            Records = records,
        };
    }

    private static Dictionary<string, int> ReadHeader(PartnerCsv.Row header)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Fields.Count; i++)
        {
            string name = header.Fields[i].Trim();
            if (!Columns.Contains(name))
            {
                throw new PartnerDataException($"Unexpected column '{name}' in the header.");
            }

            if (!columns.TryAdd(name, i))
            {
                throw new PartnerDataException($"Column {name} appears more than once in the header.");
            }
        }

        string[] missing = [.. Columns.Where(c => !columns.ContainsKey(c))];
        return missing.Length == 0
            ? columns
            : throw new PartnerDataException($"Missing column(s) {string.Join(", ", missing)} in the header.");
    }

    private static AeoRecord ReadRecord(PartnerCsv.Row row, Dictionary<string, int> columns)
    {
        string corporateNumber = row.Fields[columns[CorporateNumber]].Trim();
        return new AeoRecord
        {
            AeoId = Value(row, columns, MraCode),
            Programme = Programme,
            Status = AeoFormat.MapStatus(s_statuses, Value(row, columns, StatusColumn)),
            LegalName = Value(row, columns, Name),
            Address = Value(row, columns, AddressColumn),
            // The digits are judged by the party.jp-cn rule, not here.
            NationalIds = corporateNumber.Length == 0
                ? []
                : [new PartyIdentifier { Scheme = PartyIdRules.JapanCorporateNumberScheme, Value = corporateNumber }],
            ValidFrom = Date(row, columns, ApprovalDate),
            StatusDate = Date(row, columns, StatusDate),
        };
    }

    /// <summary>Trimmed, non-empty value of a column.</summary>
    private static string Value(PartnerCsv.Row row, Dictionary<string, int> columns, string column)
    {
        string value = row.Fields[columns[column]].Trim();
        return value.Length > 0 ? value : throw new PartnerDataException($"Line {row.Line}: {column} is empty.");
    }

    private static string MapKind(PartnerCsv.Row row, Dictionary<string, int> columns)
    {
        string code = Value(row, columns, ListKind);
        return s_listKinds.TryGetValue(code, out string? kind)
            ? kind
            : throw new PartnerDataException($"Line {row.Line}: {ListKind} '{code}' is not one of: {string.Join(", ", s_listKinds.Keys)}.");
    }

    private static DateOnly Date(PartnerCsv.Row row, Dictionary<string, int> columns, string column)
    {
        string text = Value(row, columns, column);
        return DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
            ? date
            : throw new PartnerDataException($"Line {row.Line}: {column} '{text}' is not a date in the form {DateFormat}.");
    }

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
