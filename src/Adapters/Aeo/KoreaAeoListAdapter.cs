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
        AeoStatusList list = AeoFormat.ListOf(document, AdapterId, Korea, Programme);
        return Write(new XElement(s_root,
            new XAttribute("xmlns", s_ns.NamespaceName),
            new XAttribute("listKind", ReverseCode(s_listKinds, list.Kind, AdapterId, "list kind")),
            new XAttribute("listId", list.ListId),
            new XAttribute("baseDate", FormatDate(list.AsOf)),
            list.Records.Select(WriteCompany)));
    }

    private static AeoStatusList ReadList(XElement root)
    {
        AllowOnly(root, "Company");
        return new AeoStatusList
        {
            IssuingCountry = Korea,
            ListId = Attribute(root, "listId"),
            Kind = MapCode(s_listKinds, Attribute(root, "listKind"), root, "listKind"),
            AsOf = ParseDate(Attribute(root, "baseDate"), DateFormat, root, "baseDate"),
            Records = [.. root.Elements(s_ns + "Company").Select(ReadCompany)],
        };
    }

    private static AeoRecord ReadCompany(XElement company)
    {
        AllowOnly(company,
            "AeoCode", "BizRegNo", "CompanyNameKor", "CompanyNameEng", "Address", "Grade", "StatusCode", "CertDate",
            "ExpiryDate", "StatusDate");
        XElement? expiry = OptionalElement(company, "ExpiryDate");
        string? expiryText = OptionalText(company, "ExpiryDate");
        return new AeoRecord
        {
            AeoId = Text(company, "AeoCode"),
            Programme = Programme,
            Tier = OptionalText(company, "Grade"),
            Status = AeoFormat.MapStatus(s_statuses, Text(company, "StatusCode")),
            LegalName = Text(company, "CompanyNameKor"),
            LegalNameLatin = OptionalText(company, "CompanyNameEng"),
            Address = Text(company, "Address"),
            // Dashes are presentation only; the digits are judged by the party.kr-brn rule, not here.
            NationalIds = [new PartyIdentifier { Scheme = PartyIdRules.KoreanBrnScheme, Value = Text(company, "BizRegNo").Replace("-", "", StringComparison.Ordinal) }],
            ValidFrom = Date(Element(company, "CertDate"), "Certification date"),
            ValidTo = expiryText is null ? null : ParseDate(expiryText, DateFormat, expiry!, "Expiry date"),
            StatusDate = Date(Element(company, "StatusDate"), "Status date"),
        };
    }

    private static XElement WriteCompany(AeoRecord record)
    {
        string brn = AeoFormat.NationalId(record, PartyIdRules.KoreanBrnScheme, required: true, AdapterId)!;
        return new XElement(s_ns + "Company",
            new XElement(s_ns + "AeoCode", record.AeoId),
            new XElement(s_ns + "BizRegNo", brn.Length == 10 && brn.All(char.IsAsciiDigit) ? $"{brn[..3]}-{brn[3..5]}-{brn[5..]}" : brn),
            new XElement(s_ns + "CompanyNameKor", record.LegalName),
            record.LegalNameLatin is null ? null : new XElement(s_ns + "CompanyNameEng", record.LegalNameLatin),
            new XElement(s_ns + "Address", record.Address),
            record.Tier is null ? null : new XElement(s_ns + "Grade", record.Tier),
            new XElement(s_ns + "StatusCode", ReverseCode(s_statuses, record.Status, AdapterId, "status")),
            new XElement(s_ns + "CertDate", FormatDate(record.ValidFrom)),
            record.ValidTo is { } validTo ? new XElement(s_ns + "ExpiryDate", FormatDate(validTo)) : null,
            new XElement(s_ns + "StatusDate", FormatDate(record.StatusDate)));
    }

    private static DateOnly Date(XElement element, string what) => ParseDate(Text(element), DateFormat, element, what);

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
