using System.Globalization;
using System.Text.Json;
using N2N.Adapters.Canonical;
using static N2N.Adapters.PartnerJson;

namespace N2N.Adapters.Aeo;

/// <summary>The US CBP CTPAT partner list (JSON), <c>us.cbp.ctpat-list/1</c>: document type <c>aeo.status-list</c>.</summary>
/// <remarks>
/// Dates <c>MM/dd/yyyy</c>; <c>listType</c> FULL/DELTA; <c>tier</c> <c>TIER n</c> is canonical <c>n</c>; status
/// CERTIFIED, SUSPENDED, REMOVED are valid, suspended, revoked (CTPAT has no expiry, so no valid-to date and no
/// <c>expired</c>); the EIN is scheme <c>US-EIN</c> without its dash; the address object is joined as
/// <c>street, city, ST zip, CC</c> and split back from the right when rendering. <c>generated</c> gives the list's date
/// (the date as written in its own offset); rendering writes midnight UTC of that date, as the time is not canonical.
/// </remarks>
public sealed class UsCtpatListAdapter : IDocumentAdapter
{
    /// <summary>The adapter id.</summary>
    public const string AdapterId = "us.cbp.ctpat-list/1";

    private const string DateFormat = "MM/dd/yyyy";
    private const string Program = "CTPAT";
    private const string Programme = "US-CTPAT";
    private const string UnitedStates = "US";
    private const string EinScheme = "US-EIN";
    private const string TierPrefix = "TIER ";

    private static readonly Dictionary<string, string> s_listTypes = new(StringComparer.Ordinal)
    {
        ["FULL"] = AeoListKind.Full, ["DELTA"] = AeoListKind.Delta,
    };

    private static readonly Dictionary<string, string> s_statuses = new(StringComparer.Ordinal)
    {
        ["CERTIFIED"] = AeoStatus.Valid, ["SUSPENDED"] = AeoStatus.Suspended, ["REMOVED"] = AeoStatus.Revoked,
    };

    // ISO 8601 with seconds and an explicit offset: Z or ±hh:mm.
    private static readonly string[] s_timestampFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        // The document is UTF-8; escape only what JSON requires, so names stay readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <inheritdoc />
    public string Id => AdapterId;

    /// <inheritdoc />
    public string DocumentType => AeoStatusList.TypeName;

    /// <inheritdoc />
    /// <remarks>A JSON object whose top-level <c>program</c> is <c>CTPAT</c>.</remarks>
    public bool CanRead(ReadOnlySpan<byte> document) => HeadHasMember(document, "program", Program);

    /// <inheritdoc />
    public AdapterResult ToCanonical(ReadOnlyMemory<byte> document) => Read(document, AdapterId, ReadList);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The document is not a US status list, or holds something this format cannot express.</exception>
    public byte[] FromCanonical(CanonicalDocument document)
    {
        AeoStatusList list = AeoFormat.ListOf(document, AdapterId, UnitedStates, Programme);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("program", Program);
            writer.WriteString("listType", PartnerXml.ReverseCode(s_listTypes, list.Kind, AdapterId, "list kind"));
            writer.WriteString("listId", list.ListId);
            writer.WriteString("generated", string.Create(CultureInfo.InvariantCulture, $"{list.AsOf:yyyy-MM-dd}T00:00:00Z"));
            writer.WriteStartArray("partners");
            foreach (AeoRecord record in list.Records)
            {
                WritePartner(writer, record);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stream.Write("\n"u8);
        return stream.ToArray();
    }

    private static AeoStatusList ReadList(JsonElement root)
    {
        AllowOnly(root, "$", "program", "listType", "listId", "generated", "partners");
        string program = Text(root, "program", "$");
        if (program != Program)
        {
            throw new PartnerDataException($"$.program is '{program}'; this format carries {Program} lists.");
        }

        string generated = Text(root, "generated", "$");
        if (!DateTimeOffset.TryParseExact(generated, s_timestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset generatedAt))
        {
            throw new PartnerDataException($"$.generated '{generated}' is not an ISO 8601 date and time with offset.");
        }

        JsonElement partners = PartnerJson.Array(root, "partners", "$");
        var records = new List<AeoRecord>();
        int index = 0;
        foreach (JsonElement partner in partners.EnumerateArray())
        {
            records.Add(ReadPartner(partner, $"$.partners[{index++}]"));
        }

        return new AeoStatusList
        {
            IssuingCountry = UnitedStates,
            ListId = Text(root, "listId", "$"),
            Kind = MapCode(s_listTypes, Text(root, "listType", "$"), "$.listType", "List type"),
            AsOf = DateOnly.FromDateTime(generatedAt.DateTime),
            Records = records,
        };
    }

    private static AeoRecord ReadPartner(JsonElement partner, string path)
    {
        if (partner.ValueKind != JsonValueKind.Object)
        {
            throw new PartnerDataException($"{path} must be an object.");
        }

        AllowOnly(partner, path, "accountNumber", "ein", "companyName", "address", "tier", "status", "certifiedOn", "statusDate");
        string? tier = OptionalText(partner, "tier", path);
        string? ein = OptionalText(partner, "ein", path);
        return new AeoRecord
        {
            AeoId = Text(partner, "accountNumber", path),
            Programme = Programme,
            Tier = tier is null ? null : Tier(tier, path),
            Status = AeoFormat.MapStatus(s_statuses, Text(partner, "status", path)),
            LegalName = Text(partner, "companyName", path),
            Address = ReadAddress(PartnerJson.Object(partner, "address", path), $"{path}.address"),
            // The dash is presentation only; EINs have no public check digit, so the digits are kept as given.
            NationalIds = ein is null ? [] : [new PartyIdentifier { Scheme = EinScheme, Value = ein.Replace("-", "", StringComparison.Ordinal) }],
            ValidFrom = ParseDate(Text(partner, "certifiedOn", path), DateFormat, $"{path}.certifiedOn", "Certification date"),
            StatusDate = ParseDate(Text(partner, "statusDate", path), DateFormat, $"{path}.statusDate", "Status date"),
        };
    }

    private static string Tier(string text, string path) =>
        text.StartsWith(TierPrefix, StringComparison.Ordinal) && text.Length > TierPrefix.Length
            ? text[TierPrefix.Length..].Trim()
            : throw new PartnerDataException($"{path}.tier '{text}' is not of the form '{TierPrefix}n'.");

    private static string ReadAddress(JsonElement address, string path)
    {
        AllowOnly(address, path, "street", "city", "state", "postalCode", "country");
        return string.Join(", ",
            Text(address, "street", path),
            Text(address, "city", path),
            $"{Text(address, "state", path)} {Text(address, "postalCode", path)}",
            Text(address, "country", path));
    }

    private static void WritePartner(Utf8JsonWriter writer, AeoRecord record)
    {
        AeoFormat.CannotExpress(record.LegalNameLatin, "a Latin-script legal name", record, AdapterId);
        AeoFormat.CannotExpress(record.ValidTo, "a valid-to date", record, AdapterId);
        string? ein = AeoFormat.NationalId(record, EinScheme, required: false, AdapterId);
        (string street, string city, string state, string postalCode, string country) = SplitAddress(record);

        writer.WriteStartObject();
        writer.WriteString("accountNumber", record.AeoId);
        if (ein is not null)
        {
            writer.WriteString("ein", ein.Length == 9 && ein.All(char.IsAsciiDigit) ? $"{ein[..2]}-{ein[2..]}" : ein);
        }

        writer.WriteString("companyName", record.LegalName);
        writer.WriteStartObject("address");
        writer.WriteString("street", street);
        writer.WriteString("city", city);
        writer.WriteString("state", state);
        writer.WriteString("postalCode", postalCode);
        writer.WriteString("country", country);
        writer.WriteEndObject();
        if (record.Tier is not null)
        {
            writer.WriteString("tier", TierPrefix + record.Tier);
        }

        writer.WriteString("status", PartnerXml.ReverseCode(s_statuses, record.Status, AdapterId, "status"));
        writer.WriteString("certifiedOn", record.ValidFrom.ToString(DateFormat, CultureInfo.InvariantCulture));
        writer.WriteString("statusDate", record.StatusDate.ToString(DateFormat, CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    // "1200 Harbor Ave SW, Seattle, WA 98126, US": country, "ST zip" and city are taken from the right, so a street may
    // itself hold ", "; a city cannot.
    private static (string Street, string City, string State, string PostalCode, string Country) SplitAddress(AeoRecord record)
    {
        string[] parts = record.Address.Split(", ");
        if (parts.Length >= 4 && parts[^2].Split(' ') is [var state, var postalCode] && state.Length > 0 && postalCode.Length > 0
            && parts[^1].Length > 0 && parts[^3].Length > 0)
        {
            return (string.Join(", ", parts[..^3]), parts[^3], state, postalCode, parts[^1]);
        }

        throw new ArgumentException($"{AdapterId} cannot split the address '{record.Address}' of AEO {record.AeoId} into street, city, ST zip, CC.", nameof(record));
    }
}
