using System.Globalization;
using System.Xml.Linq;
using N2N.Adapters.Canonical;
using static N2N.Adapters.PartnerXml;

namespace N2N.Adapters.EcfaCo;

/// <summary>The mainland customs ECFA certificate of origin format, <c>cn.customs.ecfa-co/1</c> (pinyin-initial element names).</summary>
/// <remarks>
/// Party ids travel as <c>DM</c> with the scheme in <c>LX</c>, so any scheme round-trips. <c>MZ</c> (gross weight) is
/// always in kilograms. Empty elements mean "absent" and are written for every absent optional value.
/// </remarks>
public sealed class MainlandEcfaCoAdapter : IDocumentAdapter
{
    /// <summary>The adapter id.</summary>
    public const string AdapterId = "cn.customs.ecfa-co/1";

    private const string DateFormat = "yyyyMMdd";
    private const string Kilogram = "KGM";

    private static readonly XNamespace s_ns = "urn:cn:customs:ecfa:eco:1";
    private static readonly XName s_root = s_ns + "ECFA_CO";

    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["001"] = "SET", ["007"] = "PCE", ["035"] = "KGM",
    };

    private static readonly Dictionary<string, string> s_packages = new(StringComparer.Ordinal)
    {
        ["1"] = "CS", ["2"] = "CT",
    };

    // Mainland customs transport codes to UN/ECE Recommendation 19.
    private static readonly Dictionary<string, string> s_transportModes = new(StringComparer.Ordinal)
    {
        ["2"] = "1", ["5"] = "4",
    };

    private static readonly Dictionary<string, string> s_currencies = new(StringComparer.Ordinal)
    {
        ["502"] = "USD", ["142"] = "CNY", ["143"] = "TWD",
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

        return Write(WriteCertificate(co));
    }

    private static CertificateOfOrigin ReadCertificate(XElement root)
    {
        AllowOnly(root,
            "ZSBH", "QFF", "JKF", "QFRQ", "YXQZ", "BFBZ", "CKBGDH", "CKS", "SCS", "JKS", "YSXX", "BZ", "SPXX", "CKSSM", "QZJG");
        string? version = root.Attribute("BBH")?.Value;
        if (version is not null && version != "1")
        {
            throw new PartnerXmlException($"BBH (format version) '{version}' is not supported; this adapter reads version 1.");
        }

        XElement retroactive = Element(root, "BFBZ");
        XElement items = Element(root, "SPXX");
        AllowOnly(items, "SP");

        return new CertificateOfOrigin
        {
            CertificateNumber = Text(root, "ZSBH"),
            IssuingCountry = CountryCode(Element(root, "QFF")),
            ImportingCountry = CountryCode(Element(root, "JKF")),
            IssueDate = Date(Element(root, "QFRQ"), "Issue date"),
            ValidUntil = Date(Element(root, "YXQZ"), "Valid-until date"),
            Retroactive = Flag(retroactive, Text(retroactive)),
            ExportDeclarationNumber = OptionalText(root, "CKBGDH"),
            Exporter = ReadParty(Element(root, "CKS")),
            Producers = [.. root.Elements(s_ns + "SCS").Select(ReadParty)],
            Importer = ReadParty(Element(root, "JKS")),
            Transport = ReadTransport(Element(root, "YSXX")),
            Remarks = OptionalText(root, "BZ"),
            Items = [.. items.Elements(s_ns + "SP").Select(ReadItem)],
            ExporterDeclaration = ReadDeclaration(Element(root, "CKSSM")),
            Certification = ReadCertification(Element(root, "QZJG")),
        };
    }

    private static TradeParty ReadParty(XElement party)
    {
        AllowOnly(party, "MC", "DZ", "DM", "DH", "CZ", "YX");
        PartyIdentifier? id = null;
        if (OptionalText(party, "DM") is { } value)
        {
            id = new PartyIdentifier { Scheme = Attribute(Element(party, "DM"), "LX"), Value = value };
        }

        return new TradeParty
        {
            Name = Text(party, "MC"),
            Address = OptionalText(party, "DZ"),
            Id = id,
            Phone = OptionalText(party, "DH"),
            Fax = OptionalText(party, "CZ"),
            Email = OptionalText(party, "YX"),
        };
    }

    private static TransportDetails ReadTransport(XElement transport)
    {
        AllowOnly(transport, "LKRQ", "YSFS", "YSGJ", "ZYG", "DDG");
        XElement departure = Element(transport, "LKRQ");
        XElement mode = Element(transport, "YSFS");
        return new TransportDetails
        {
            DepartureDate = Date(departure, "Departure date"),
            DepartureDateEstimated = departure.Attribute("YJ") is { } estimated && Flag(departure, estimated.Value.Trim()),
            ModeCode = MapCode(s_transportModes, Text(mode), mode, "Transport mode (YSFS)"),
            MeansId = OptionalText(transport, "YSGJ"),
            LoadingLocation = Text(transport, "ZYG"),
            DischargeLocation = Text(transport, "DDG"),
        };
    }

    private static GoodsItem ReadItem(XElement item)
    {
        AllowOnly(item, "XH", "SPBM", "SPMC", "BZSL", "BZZL", "SL", "JLDW", "MZ", "YCDBZ", "FPH", "FPRQ", "FPJE", "BZDM");
        XElement number = Element(item, "XH");
        XElement packageCount = Element(item, "BZSL");
        XElement packageKind = Element(item, "BZZL");
        XElement quantity = Element(item, "SL");
        XElement unit = Element(item, "JLDW");
        XElement criterion = Element(item, "YCDBZ");
        XElement amount = Element(item, "FPJE");
        XElement currency = Element(item, "BZDM");

        // YCDBZ is the criterion followed by its markers, space-separated; the rules judge both.
        string[] criterionParts = Text(criterion).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Measure? grossWeight = null;
        if (OptionalText(item, "MZ") is { } weight)
        {
            grossWeight = new Measure { Value = ParseDecimal(weight, Element(item, "MZ"), "Gross weight (MZ)"), UnitCode = Kilogram };
        }

        return new GoodsItem
        {
            ItemNumber = ParseCount(Text(number), number, "Item number (XH)"),
            HsCode = Text(item, "SPBM"),
            Description = Text(item, "SPMC"),
            PackageCount = ParseCount(Text(packageCount), packageCount, "Package count (BZSL)"),
            PackageKindCode = MapCode(s_packages, Text(packageKind), packageKind, "Package kind (BZZL)"),
            Quantity = new Measure
            {
                Value = ParseDecimal(Text(quantity), quantity, "Quantity (SL)"),
                UnitCode = MapCode(s_units, Text(unit), unit, "Unit (JLDW)"),
            },
            GrossWeight = grossWeight,
            OriginCriterion = criterionParts[0],
            OriginMarkers = criterionParts[1..],
            Invoice = new InvoiceReference
            {
                Number = Text(item, "FPH"),
                Date = Date(Element(item, "FPRQ"), "Invoice date (FPRQ)"),
                Amount = ParseDecimal(Text(amount), amount, "Invoice amount (FPJE)"),
                CurrencyCode = MapCode(s_currencies, Text(currency), currency, "Currency (BZDM)"),
            },
        };
    }

    private static ExporterDeclaration ReadDeclaration(XElement declaration)
    {
        AllowOnly(declaration, "DD", "RQ", "QZ");
        return new ExporterDeclaration
        {
            Place = Text(declaration, "DD"),
            Date = Date(Element(declaration, "RQ"), "Declaration date"),
            Signatory = Text(declaration, "QZ"),
        };
    }

    private static Certification ReadCertification(XElement certification)
    {
        AllowOnly(certification, "JGMC", "DD", "RQ", "QZ");
        return new Certification
        {
            Authority = Text(certification, "JGMC"),
            Place = Text(certification, "DD"),
            Date = Date(Element(certification, "RQ"), "Certification date"),
            Signatory = Text(certification, "QZ"),
        };
    }

    private static XElement WriteCertificate(CertificateOfOrigin co) =>
        new(s_root,
            new XAttribute("xmlns", s_ns.NamespaceName),
            new XAttribute("BBH", "1"),
            new XElement(s_ns + "ZSBH", co.CertificateNumber),
            new XElement(s_ns + "QFF", co.IssuingCountry),
            new XElement(s_ns + "JKF", co.ImportingCountry),
            new XElement(s_ns + "QFRQ", FormatDate(co.IssueDate)),
            new XElement(s_ns + "YXQZ", FormatDate(co.ValidUntil)),
            new XElement(s_ns + "BFBZ", co.Retroactive ? "1" : "0"),
            new XElement(s_ns + "CKBGDH", co.ExportDeclarationNumber),
            WriteParty("CKS", co.Exporter),
            co.Producers.Select(p => WriteParty("SCS", p)),
            WriteParty("JKS", co.Importer),
            new XElement(s_ns + "YSXX",
                new XElement(s_ns + "LKRQ",
                    new XAttribute("YJ", co.Transport.DepartureDateEstimated ? "1" : "0"),
                    FormatDate(co.Transport.DepartureDate)),
                new XElement(s_ns + "YSFS", ReverseCode(s_transportModes, co.Transport.ModeCode, AdapterId, "transport mode")),
                new XElement(s_ns + "YSGJ", co.Transport.MeansId),
                new XElement(s_ns + "ZYG", co.Transport.LoadingLocation),
                new XElement(s_ns + "DDG", co.Transport.DischargeLocation)),
            new XElement(s_ns + "BZ", co.Remarks),
            new XElement(s_ns + "SPXX", co.Items.Select(WriteItem)),
            new XElement(s_ns + "CKSSM",
                new XElement(s_ns + "DD", co.ExporterDeclaration.Place),
                new XElement(s_ns + "RQ", FormatDate(co.ExporterDeclaration.Date)),
                new XElement(s_ns + "QZ", co.ExporterDeclaration.Signatory)),
            new XElement(s_ns + "QZJG",
                new XElement(s_ns + "JGMC", co.Certification.Authority),
                new XElement(s_ns + "DD", co.Certification.Place),
                new XElement(s_ns + "RQ", FormatDate(co.Certification.Date)),
                new XElement(s_ns + "QZ", co.Certification.Signatory)));

    // A null value gives an empty element, which this format reads as "absent".
    private static XElement WriteParty(string elementName, TradeParty party) =>
        new(s_ns + elementName,
            new XElement(s_ns + "MC", party.Name),
            new XElement(s_ns + "DZ", party.Address),
            party.Id is { } id
                ? new XElement(s_ns + "DM", new XAttribute("LX", id.Scheme), id.Value)
                : new XElement(s_ns + "DM"),
            new XElement(s_ns + "DH", party.Phone),
            new XElement(s_ns + "CZ", party.Fax),
            new XElement(s_ns + "YX", party.Email));

    private static XElement WriteItem(GoodsItem item)
    {
        if (item.GrossWeight is { UnitCode: not Kilogram } weight)
        {
            throw new ArgumentException($"{AdapterId} carries gross weight in {Kilogram} only, not {weight.UnitCode}.", nameof(item));
        }

        return new XElement(s_ns + "SP",
            new XElement(s_ns + "XH", item.ItemNumber.ToString(CultureInfo.InvariantCulture)),
            new XElement(s_ns + "SPBM", item.HsCode),
            new XElement(s_ns + "SPMC", item.Description),
            new XElement(s_ns + "BZSL", item.PackageCount.ToString(CultureInfo.InvariantCulture)),
            new XElement(s_ns + "BZZL", ReverseCode(s_packages, item.PackageKindCode, AdapterId, "package kind")),
            new XElement(s_ns + "SL", item.Quantity.Value.ToString(CultureInfo.InvariantCulture)),
            new XElement(s_ns + "JLDW", ReverseCode(s_units, item.Quantity.UnitCode, AdapterId, "unit")),
            new XElement(s_ns + "MZ", item.GrossWeight?.Value.ToString(CultureInfo.InvariantCulture)),
            new XElement(s_ns + "YCDBZ", string.Join(' ', item.OriginMarkers.Prepend(item.OriginCriterion))),
            new XElement(s_ns + "FPH", item.Invoice.Number),
            new XElement(s_ns + "FPRQ", FormatDate(item.Invoice.Date)),
            new XElement(s_ns + "FPJE", item.Invoice.Amount.ToString(CultureInfo.InvariantCulture)),
            new XElement(s_ns + "BZDM", ReverseCode(s_currencies, item.Invoice.CurrencyCode, AdapterId, "currency")));
    }

    private static bool Flag(XElement at, string text) => text switch
    {
        "1" => true,
        "0" => false,
        _ => throw new PartnerXmlException($"'{text}' in {PathOf(at)} is not 0 or 1."),
    };

    private static DateOnly Date(XElement element, string what) => ParseDate(Text(element), DateFormat, element, what);

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
