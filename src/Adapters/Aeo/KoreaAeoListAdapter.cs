using System.Globalization;
using System.Xml.Linq;
using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;
using static N2N.Adapters.PartnerXml;

namespace N2N.Adapters.Aeo;

/// <summary>The Korea Customs Service AEO company list (XML), <c>kr.customs.aeo-list/1</c>: document type <c>aeo.status-list</c>.</summary>
/// <remarks>
/// Root <c>AeoCompanyList</c> in <c>urn:kr:customs:aeo:mra:1</c> with <c>listKind</c> F/D, <c>listId</c> and
/// <c>baseDate</c>; one <c>Company</c> per operator. Dates <c>yyyyMMdd</c>; <c>BizRegNo</c> is scheme <c>KR-BRN</c>
/// without dashes (rendered <c>ddd-dd-ddddd</c>); <c>Grade</c> is the tier; <c>StatusCode</c> 01 valid, 02 suspended,
/// 03 revoked, 04 expired (other codes reach the <c>aeo.status</c> rule verbatim); <c>CompanyNameEng</c>, <c>Grade</c>
/// and <c>ExpiryDate</c> are optional and omitted when absent.
/// Under mutual recognition Korea also receives the partner's list in this format, so two optional extensions carry a
/// foreign list: root attributes <c>issuingCountry</c> (default KR) and <c>programme</c> (default KR-AEO), and
/// <c>NationalId scheme="…"</c> elements for ids that are not Korean business numbers (e.g. a Taiwan BAN).
/// </remarks>
public sealed class KoreaAeoListAdapter : IDocumentAdapter
{
    /// <summary>The adapter id.</summary>
    public const string AdapterId = "kr.customs.aeo-list/1";

    private const string DateFormat = "yyyyMMdd";
    private const string Korea = "KR";
    private const string Programme = "KR-AEO";

    private static readonly XNamespace s_ns = "urn:kr:customs:aeo:mra:1";
    private static readonly XName s_root = s_ns + "AeoCompanyList";

    private static readonly Dictionary<string, string> s_listKinds = new(StringComparer.Ordinal)
    {
        ["F"] = AeoListKind.Full, ["D"] = AeoListKind.Delta,
    };

    private static readonly Dictionary<string, string> s_statuses = new(StringComparer.Ordinal)
    {
        ["01"] = AeoStatus.Valid, ["02"] = AeoStatus.Suspended, ["03"] = AeoStatus.Revoked, ["04"] = AeoStatus.Expired,
    };

    /// <inheritdoc />
    public string Id => AdapterId;

    /// <inheritdoc />
    public string DocumentType => AeoStatusList.TypeName;

    /// <inheritdoc />
    public bool CanRead(ReadOnlySpan<byte> document) => HasRoot(document, s_root);

    /// <inheritdoc />
    public AdapterResult ToCanonical(ReadOnlyMemory<byte> document) => Read(document, s_root, ReadList);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The document is not a Korean status list, or holds something this format cannot express.</exception>
    public byte[] FromCanonical(CanonicalDocument document)
    {
        if (document is not AeoStatusList list)
        {
            throw new ArgumentException($"{AdapterId} renders {AeoStatusList.TypeName}, not {document?.DocumentType}.", nameof(document));
        }

        var programme = list.Records.Select(r => r.Programme).Distinct(StringComparer.Ordinal).ToList() switch
        {
            [] => DefaultProgramme(list.IssuingCountry),
            [var one] => one,
            _ => throw new ArgumentException($"{AdapterId} carries one programme per list.", nameof(document)),
        };
        return Write(new XElement(s_root,
            new XAttribute("xmlns", s_ns.NamespaceName),
            list.IssuingCountry == Korea ? null : new XAttribute("issuingCountry", list.IssuingCountry),
            programme == DefaultProgramme(list.IssuingCountry) ? null : new XAttribute("programme", programme),
            new XAttribute("listKind", ReverseCode(s_listKinds, list.Kind, AdapterId, "list kind")),
            new XAttribute("listId", list.ListId),
            new XAttribute("baseDate", FormatDate(list.AsOf)),
            list.Records.Select(WriteCompany)));
    }

    private static AeoStatusList ReadList(XElement root)
    {
        AllowOnly(root, "Company");
        var country = root.Attribute("issuingCountry")?.Value ?? Korea;
        var programme = root.Attribute("programme")?.Value ?? DefaultProgramme(country);
        return new AeoStatusList
        {
            IssuingCountry = country,
            ListId = Attribute(root, "listId"),
            Kind = MapCode(s_listKinds, Attribute(root, "listKind"), root, "listKind"),
            AsOf = ParseDate(Attribute(root, "baseDate"), DateFormat, root, "baseDate"),
            Records = [.. root.Elements(s_ns + "Company").Select(company => ReadCompany(company, programme))],
        };
    }

    private static AeoRecord ReadCompany(XElement company, string programme)
    {
        AllowOnly(company,
            "AeoCode", "BizRegNo", "NationalId", "CompanyNameKor", "CompanyNameEng", "Address", "Grade", "StatusCode", "CertDate",
            "ExpiryDate", "StatusDate");
        XElement? expiry = OptionalElement(company, "ExpiryDate");
        string? expiryText = OptionalText(company, "ExpiryDate");
        return new AeoRecord
        {
            AeoId = Text(company, "AeoCode"),
            Programme = programme,
            Tier = OptionalText(company, "Grade"),
            Status = AeoFormat.MapStatus(s_statuses, Text(company, "StatusCode")),
            LegalName = Text(company, "CompanyNameKor"),
            LegalNameLatin = OptionalText(company, "CompanyNameEng"),
            Address = Text(company, "Address"),
            // Dashes are presentation only; the digits are judged by the party.kr-brn rule, not here.
            NationalIds =
            [
                .. OptionalText(company, "BizRegNo") is { } brn ? [new PartyIdentifier { Scheme = PartyIdRules.KoreanBrnScheme, Value = brn.Replace("-", "", StringComparison.Ordinal) }] : Array.Empty<PartyIdentifier>(),
                .. company.Elements(s_ns + "NationalId").Select(id => new PartyIdentifier { Scheme = Attribute(id, "scheme"), Value = Text(id) }),
            ],
            ValidFrom = Date(Element(company, "CertDate"), "Certification date"),
            ValidTo = expiryText is null ? null : ParseDate(expiryText, DateFormat, expiry!, "Expiry date"),
            StatusDate = Date(Element(company, "StatusDate"), "Status date"),
        };
    }

    private static XElement WriteCompany(AeoRecord record)
    {
        if (record.NationalIds.Count == 0)
        {
            throw new ArgumentException($"{AdapterId} requires a national id (AEO {record.AeoId}).", nameof(record));
        }

        return new XElement(s_ns + "Company",
            new XElement(s_ns + "AeoCode", record.AeoId),
            record.NationalIds.Where(id => id.Scheme == PartyIdRules.KoreanBrnScheme).Take(1).Select(id => id.Value)
                .Select(brn => new XElement(s_ns + "BizRegNo", brn.Length == 10 && brn.All(char.IsAsciiDigit) ? $"{brn[..3]}-{brn[3..5]}-{brn[5..]}" : brn)),
            record.NationalIds.Where(id => id.Scheme != PartyIdRules.KoreanBrnScheme)
                .Select(id => new XElement(s_ns + "NationalId", new XAttribute("scheme", id.Scheme), id.Value)),
            new XElement(s_ns + "CompanyNameKor", record.LegalName),
            record.LegalNameLatin is null ? null : new XElement(s_ns + "CompanyNameEng", record.LegalNameLatin),
            new XElement(s_ns + "Address", record.Address),
            record.Tier is null ? null : new XElement(s_ns + "Grade", record.Tier),
            new XElement(s_ns + "StatusCode", ReverseCode(s_statuses, record.Status, AdapterId, "status")),
            new XElement(s_ns + "CertDate", FormatDate(record.ValidFrom)),
            record.ValidTo is { } validTo ? new XElement(s_ns + "ExpiryDate", FormatDate(validTo)) : null,
            new XElement(s_ns + "StatusDate", FormatDate(record.StatusDate)));
    }

    private static string DefaultProgramme(string country) => country == Korea ? Programme : $"{country}-AEO";

    private static DateOnly Date(XElement element, string what) => ParseDate(Text(element), DateFormat, element, what);

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
