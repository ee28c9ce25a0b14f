using System.Globalization;
using System.Xml.Linq;
using N2N.Adapters.Canonical;
using N2N.Adapters.Rules;
using static N2N.Adapters.PartnerXml;

namespace N2N.Adapters.EcfaCo;

/// <summary>The Taiwan national ECFA certificate of origin format, <c>tw.trade.ecfa-co/1</c>.</summary>
/// <remarks>
/// Party ids: the exporter's and producers' <c>BAN</c> is scheme <c>TW-BAN</c>. The importer's <c>EnterpriseCode</c> is
/// the importing side's customs enterprise code, scheme <c>{ImportingSide}-CUSTOMS</c> (for ECFA the importing side of a
/// Taiwan-issued certificate is the mainland, so <c>CN-CUSTOMS</c>). The format has no issuing-side element: it carries
/// certificates issued by Taiwan only.
/// </remarks>
public sealed class TaiwanEcfaCoAdapter : IDocumentAdapter
{
    /// <summary>The adapter id.</summary>
    public const string AdapterId = "tw.trade.ecfa-co/1";

    private const string None = "無";
    private const string SameAsExporter = "同上";
    private const string Taiwan = "TW";
    private const int RocEraOffset = 1911;

    private static readonly XNamespace s_ns = "urn:tw:trade:ecfa:co:1";
    private static readonly XName s_root = s_ns + "EcfaCertificateOfOrigin";

    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["台"] = "SET", ["公斤"] = "KGM", ["個"] = "PCE",
    };

    private static readonly Dictionary<string, string> s_packages = new(StringComparer.Ordinal)
    {
        ["木箱"] = "CS", ["紙箱"] = "CT",
    };

    private static readonly Dictionary<string, string> s_transportModes = new(StringComparer.Ordinal)
    {
        ["海運"] = "1", ["空運"] = "4",
    };

    /// <inheritdoc />
    public string Id => AdapterId;

    /// <inheritdoc />
    public string DocumentType => CertificateOfOrigin.TypeName;

    /// <inheritdoc />
    public bool CanRead(ReadOnlySpan<byte> document) => HasRoot(document, s_root);

    /// <inheritdoc />
    public AdapterResult ToCanonical(ReadOnlyMemory<byte> document) => Read(document, s_root, ReadCertificate);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The document is not an <c>ecfa.co</c>, or holds something this format cannot express.</exception>
    public byte[] FromCanonical(CanonicalDocument document)
    {
        if (document is not CertificateOfOrigin co)
        {
            throw new ArgumentException($"{AdapterId} renders {CertificateOfOrigin.TypeName}, not {document?.DocumentType}.", nameof(document));
        }

        if (co.IssuingCountry != Taiwan)
        {
            throw new ArgumentException($"{AdapterId} carries certificates issued by {Taiwan}, not {co.IssuingCountry}.", nameof(document));
        }

        return Write(WriteCertificate(co));
    }

    private static CertificateOfOrigin ReadCertificate(XElement root)
    {
        AllowOnly(root,
            "CertificateNo", "IssueDate", "ValidUntil", "ImportingSide", "Retroactive", "ExportDeclarationNo",
            "Box1Exporter", "Box2Producer", "Box3Importer", "Box4Transport", "Box6Remarks", "Items",
            "Box14Declaration", "Box15Certification");
        string? version = root.Attribute("formatVersion")?.Value;
        if (version is not null && version != "1")
        {
            throw new PartnerXmlException($"formatVersion '{version}' is not supported; this adapter reads version 1.");
        }

        string importingCountry = CountryCode(Element(root, "ImportingSide"));
        TradeParty exporter = ReadParty(Element(root, "Box1Exporter"), "BAN", PartyIdRules.TaiwanBanScheme);

        var producers = new List<TradeParty>();
        foreach (XElement producer in root.Elements(s_ns + "Box2Producer"))
        {
            if (producer.HasElements)
            {
                producers.Add(ReadParty(producer, "BAN", PartyIdRules.TaiwanBanScheme));
                continue;
            }

            string text = producer.Value.Trim();
            if (text == SameAsExporter)
            {
                producers.Add(exporter);
            }
            else if (text != None && text.Length > 0)
            {
                throw new PartnerXmlException($"Box2Producer holds '{text}'; expected party elements, {SameAsExporter} or {None}.");
            }
        }

        XElement items = Element(root, "Items");
        AllowOnly(items, "Item");

        return new CertificateOfOrigin
        {
            CertificateNumber = Text(root, "CertificateNo"),
            IssuingCountry = Taiwan,
            ImportingCountry = importingCountry,
            IssueDate = RocDate(Element(root, "IssueDate"), "Issue date"),
            ValidUntil = RocDate(Element(root, "ValidUntil"), "Valid-until date"),
            Retroactive = YesNo(Element(root, "Retroactive"), Text(root, "Retroactive")),
            ExportDeclarationNumber = OptionalText(root, "ExportDeclarationNo", None),
            Exporter = exporter,
            Producers = producers,
            Importer = ReadParty(Element(root, "Box3Importer"), "EnterpriseCode", $"{importingCountry}-CUSTOMS"),
            Transport = ReadTransport(Element(root, "Box4Transport")),
            Remarks = OptionalText(root, "Box6Remarks", None),
            Items = [.. items.Elements(s_ns + "Item").Select(ReadItem)],
            ExporterDeclaration = ReadDeclaration(Element(root, "Box14Declaration")),
            Certification = ReadCertification(Element(root, "Box15Certification")),
        };
    }

    private static TradeParty ReadParty(XElement party, string idElement, string idScheme)
    {
        AllowOnly(party, "Name", "Address", idElement, "Tel", "Fax", "Email");
        string? id = OptionalText(party, idElement, None);
        return new TradeParty
        {
            Name = Text(party, "Name"),
            Address = OptionalText(party, "Address", None),
            Id = id is null ? null : new PartyIdentifier { Scheme = idScheme, Value = id },
            Phone = OptionalText(party, "Tel", None),
            Fax = OptionalText(party, "Fax", None),
            Email = OptionalText(party, "Email", None),
        };
    }

    private static TransportDetails ReadTransport(XElement transport)
    {
        AllowOnly(transport, "DepartureDate", "TransportMode", "Vessel", "PortOfLoading", "PortOfDischarge");
        XElement departure = Element(transport, "DepartureDate");
        XElement mode = Element(transport, "TransportMode");
        return new TransportDetails
        {
            DepartureDate = RocDate(departure, "Departure date"),
            DepartureDateEstimated = departure.Attribute("estimated") is { } estimated && YesNo(departure, estimated.Value.Trim()),
            ModeCode = MapCode(s_transportModes, Text(mode), mode, "Transport mode"),
            MeansId = OptionalText(transport, "Vessel", None),
            LoadingLocation = Text(transport, "PortOfLoading"),
            DischargeLocation = Text(transport, "PortOfDischarge"),
        };
    }

    private static GoodsItem ReadItem(XElement item)
    {
        AllowOnly(item,
            "Box7ItemNo", "Box8HSCode", "Box9Description", "Packages", "Box10Quantity", "GrossWeight",
            "Box12OriginCriterion", "Box13Invoice");
        XElement number = Element(item, "Box7ItemNo");
        XElement packages = Element(item, "Packages");
        XElement criterion = Element(item, "Box12OriginCriterion");
        XElement invoice = Element(item, "Box13Invoice");
        XElement? grossWeight = OptionalElement(item, "GrossWeight");
        return new GoodsItem
        {
            ItemNumber = ParseCount(Text(number), number, "Item number"),
            // Dots are presentation only; the HS code's digits are checked by the item.hs-code rule, not here.
            HsCode = Text(item, "Box8HSCode").Replace(".", "", StringComparison.Ordinal),
            Description = Text(item, "Box9Description"),
            PackageCount = ParseCount(Attribute(packages, "count"), packages, "Package count"),
            PackageKindCode = MapCode(s_packages, Text(packages), packages, "Package kind"),
            Quantity = ReadMeasure(Element(item, "Box10Quantity")),
            GrossWeight = grossWeight is null || grossWeight.Value.Trim() is "" or None ? null : ReadMeasure(grossWeight),
            // Criterion and markers pass through as written; item.origin-criterion judges them.
            OriginCriterion = Text(criterion),
            OriginMarkers = Markers(criterion.Attribute("markers")?.Value),
            Invoice = new InvoiceReference
            {
                Number = Attribute(invoice, "no"),
                Date = RocDate(invoice, Attribute(invoice, "date"), "Invoice date"),
                Amount = ParseDecimal(Text(invoice), invoice, "Invoice amount"),
                CurrencyCode = CurrencyCode(Attribute(invoice, "currency"), invoice),
            },
        };
    }

    private static Measure ReadMeasure(XElement element) => new()
    {
        Value = ParseDecimal(Text(element), element, "Quantity"),
        UnitCode = MapCode(s_units, Attribute(element, "unit"), element, "Unit"),
    };

    private static ExporterDeclaration ReadDeclaration(XElement declaration)
    {
        AllowOnly(declaration, "Place", "Date", "Signatory");
        return new ExporterDeclaration
        {
            Place = Text(declaration, "Place"),
            Date = RocDate(Element(declaration, "Date"), "Declaration date"),
            Signatory = Text(declaration, "Signatory"),
        };
    }

    private static Certification ReadCertification(XElement certification)
    {
        AllowOnly(certification, "Authority", "Place", "Date", "Signatory");
        return new Certification
        {
            Authority = Text(certification, "Authority"),
            Place = Text(certification, "Place"),
            Date = RocDate(Element(certification, "Date"), "Certification date"),
            Signatory = Text(certification, "Signatory"),
        };
    }

    private static XElement WriteCertificate(CertificateOfOrigin co)
    {
        // A single producer identical to the exporter is written the way the paper form does it.
        object producers = co.Producers switch
        {
            [] => new XElement(s_ns + "Box2Producer", None),
            [var only] when only == co.Exporter => new XElement(s_ns + "Box2Producer", SameAsExporter),
            _ => co.Producers.Select(p => WriteParty("Box2Producer", p, "BAN", PartyIdRules.TaiwanBanScheme)),
        };

        return new XElement(s_root,
            new XAttribute("xmlns", s_ns.NamespaceName),
            new XAttribute("formatVersion", "1"),
            new XElement(s_ns + "CertificateNo", co.CertificateNumber),
            new XElement(s_ns + "IssueDate", FormatRocDate(co.IssueDate)),
            new XElement(s_ns + "ValidUntil", FormatRocDate(co.ValidUntil)),
            new XElement(s_ns + "ImportingSide", co.ImportingCountry),
            new XElement(s_ns + "Retroactive", co.Retroactive ? "Y" : "N"),
            new XElement(s_ns + "ExportDeclarationNo", co.ExportDeclarationNumber ?? None),
            WriteParty("Box1Exporter", co.Exporter, "BAN", PartyIdRules.TaiwanBanScheme),
            producers,
            WriteParty("Box3Importer", co.Importer, "EnterpriseCode", $"{co.ImportingCountry}-CUSTOMS"),
            new XElement(s_ns + "Box4Transport",
                new XElement(s_ns + "DepartureDate",
                    new XAttribute("estimated", co.Transport.DepartureDateEstimated ? "Y" : "N"),
                    FormatRocDate(co.Transport.DepartureDate)),
                new XElement(s_ns + "TransportMode", ReverseCode(s_transportModes, co.Transport.ModeCode, AdapterId, "transport mode")),
                new XElement(s_ns + "Vessel", co.Transport.MeansId ?? None),
                new XElement(s_ns + "PortOfLoading", co.Transport.LoadingLocation),
                new XElement(s_ns + "PortOfDischarge", co.Transport.DischargeLocation)),
            new XElement(s_ns + "Box6Remarks", co.Remarks ?? None),
            new XElement(s_ns + "Items", co.Items.Select(WriteItem)),
            new XElement(s_ns + "Box14Declaration",
                new XElement(s_ns + "Place", co.ExporterDeclaration.Place),
                new XElement(s_ns + "Date", FormatRocDate(co.ExporterDeclaration.Date)),
                new XElement(s_ns + "Signatory", co.ExporterDeclaration.Signatory)),
            new XElement(s_ns + "Box15Certification",
                new XElement(s_ns + "Authority", co.Certification.Authority),
                new XElement(s_ns + "Place", co.Certification.Place),
                new XElement(s_ns + "Date", FormatRocDate(co.Certification.Date)),
                new XElement(s_ns + "Signatory", co.Certification.Signatory)));
    }

    private static XElement WriteParty(string elementName, TradeParty party, string idElement, string idScheme)
    {
        if (party.Id is { } id && id.Scheme != idScheme)
        {
            throw new ArgumentException($"{AdapterId} writes a {idScheme} id in {elementName}, not {id.Scheme}.", nameof(party));
        }

        return new XElement(s_ns + elementName,
            new XElement(s_ns + "Name", party.Name),
            new XElement(s_ns + "Address", party.Address ?? None),
            new XElement(s_ns + idElement, party.Id?.Value ?? None),
            new XElement(s_ns + "Tel", party.Phone ?? None),
            new XElement(s_ns + "Fax", party.Fax ?? None),
            new XElement(s_ns + "Email", party.Email ?? None));
    }

    private static XElement WriteItem(GoodsItem item)
    {
        XElement criterion = new(s_ns + "Box12OriginCriterion", item.OriginCriterion);
        if (item.OriginMarkers.Count > 0)
        {
            criterion.Add(new XAttribute("markers", string.Join(' ', item.OriginMarkers)));
        }

        return new XElement(s_ns + "Item",
            new XElement(s_ns + "Box7ItemNo", item.ItemNumber.ToString(CultureInfo.InvariantCulture)),
            new XElement(s_ns + "Box8HSCode", FormatHsCode(item.HsCode)),
            new XElement(s_ns + "Box9Description", item.Description),
            new XElement(s_ns + "Packages",
                new XAttribute("count", item.PackageCount.ToString(CultureInfo.InvariantCulture)),
                ReverseCode(s_packages, item.PackageKindCode, AdapterId, "package kind")),
            WriteMeasure("Box10Quantity", item.Quantity),
            item.GrossWeight is null ? null : WriteMeasure("GrossWeight", item.GrossWeight),
            criterion,
            new XElement(s_ns + "Box13Invoice",
                new XAttribute("no", item.Invoice.Number),
                new XAttribute("date", FormatRocDate(item.Invoice.Date)),
                new XAttribute("currency", item.Invoice.CurrencyCode),
                item.Invoice.Amount.ToString(CultureInfo.InvariantCulture)));
    }

    private static XElement WriteMeasure(string elementName, Measure measure) =>
        new(s_ns + elementName,
            new XAttribute("unit", ReverseCode(s_units, measure.UnitCode, AdapterId, "unit")),
            measure.Value.ToString(CultureInfo.InvariantCulture));

    private static bool YesNo(XElement at, string text) => text switch
    {
        "Y" => true,
        "N" => false,
        _ => throw new PartnerXmlException($"'{text}' in {PathOf(at)} is not Y or N."),
    };

    private static IReadOnlyList<string> Markers(string? text) =>
        text is null ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string CurrencyCode(string code, XElement at) =>
        code.Length == 3 && code.All(char.IsAsciiLetterUpper)
            ? code
            : throw new PartnerXmlException($"Currency '{code}' in {PathOf(at)} is not an ISO 4217 code.");

    private static DateOnly RocDate(XElement element, string what) => RocDate(element, Text(element), what);

    // ROC calendar: year 1 is 1912, so 115/11/20 is 2026-11-20. Years before 100 may be written with 2 or 3 digits.
    private static DateOnly RocDate(XElement at, string text, string what)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 3
            && parts[0].Length is 2 or 3 && parts[1].Length == 2 && parts[2].Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int rocYear)
            && rocYear >= 1)
        {
            string iso = string.Create(CultureInfo.InvariantCulture, $"{rocYear + RocEraOffset:D4}-{parts[1]}-{parts[2]}");
            if (DateOnly.TryParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            {
                return date;
            }
        }

        throw new PartnerXmlException($"{what} '{text}' in {PathOf(at)} is not an ROC date yyy/MM/dd.");
    }

    private static string FormatRocDate(DateOnly date)
    {
        int rocYear = date.Year - RocEraOffset;
        if (rocYear < 1)
        {
            throw new ArgumentException($"{date:yyyy-MM-dd} is before the ROC calendar (1912).", nameof(date));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{rocYear:D3}/{date.Month:D2}/{date.Day:D2}");
    }

    // 84571010 -> 8457.10.10; codes of other lengths keep the same grouping as far as they go.
    private static string FormatHsCode(string hsCode) => hsCode.Length switch
    {
        > 6 => $"{hsCode[..4]}.{hsCode[4..6]}.{hsCode[6..]}",
        > 4 => $"{hsCode[..4]}.{hsCode[4..]}",
        _ => hsCode,
    };
}
