using System.Globalization;
using System.Security.Cryptography.Xml;
using System.Xml;
using N2N.Trust.Keys;

namespace N2N.Trust.WsSecurity;

/// <summary>A SOAP message to sign: the exchange header, addressing, and the body document.</summary>
/// <param name="AddressTo">The wsa:To URI (the partner endpoint, or anonymous for a reply).</param>
/// <param name="RelatesTo">For a reply, the wsa:MessageID it answers.</param>
/// <param name="BodyDocument">The document to put in the Body, as UTF-8 XML bytes.</param>
public sealed record SoapMessage(ExchangeHeader Header, string AddressTo, string? RelatesTo, ReadOnlyMemory<byte> BodyDocument);

/// <summary>Deviations from our profile, for conformance tests that must produce what a hostile or broken peer sends.</summary>
internal sealed record SigningDeviation
{
    public string? SignatureMethod { get; init; }
    public string? DigestMethod { get; init; }
    /// <summary>Which of the element ids (id-msg, id-to, id-act, id-xch, id-ts, id-body, id-rel) get a reference.</summary>
    public Func<string, bool>? SignReference { get; init; }
    /// <summary>How a reference names its element (default <c>#id</c>), e.g. XPointer's <c>#xpointer(id('id'))</c>.</summary>
    public Func<string, string>? ReferenceUri { get; init; }
    /// <summary>The certificate put in the BinarySecurityToken, if not the signer's own.</summary>
    public byte[]? PresentedCertificate { get; init; }
}

/// <summary>Builds and signs SOAP 1.2 envelopes with our WS-Security 1.1 X.509 profile.</summary>
public static class WsSecuritySigner
{
    /// <summary>How long a timestamp stays valid after creation. <value>The default value is 5 minutes.</value></summary>
    public static readonly TimeSpan TimestampLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Returns the exact envelope bytes to send.</summary>
    public static byte[] Sign(SoapMessage message, NodeCredential credential, DateTimeOffset now, XmlLimits? limits = null) =>
        Sign(message, credential, now, limits, deviation: null);

    internal static byte[] Sign(SoapMessage message, NodeCredential credential, DateTimeOffset now, XmlLimits? limits, SigningDeviation? deviation)
    {
        EcdsaSignatureDescription.EnsureRegistered();
        var body = SecureXml.Load(message.BodyDocument, limits ?? XmlLimits.Default).DocumentElement
            ?? throw new TrustException(ReasonCodes.Malformed, "the body document has no root element");

        var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        var envelope = Append(doc, doc, "s", "Envelope", WsNames.Soap12);
        foreach (var (prefix, ns) in new[] { ("s", WsNames.Soap12), ("wsa", WsNames.Wsa), ("n2n", WsNames.N2n), ("wsse", WsNames.Wsse), ("wsu", WsNames.Wsu) })
        {
            envelope.SetAttribute("xmlns:" + prefix, ns);
        }

        var header = Append(doc, envelope, "s", "Header", WsNames.Soap12);
        var h = message.Header;
        var ids = new List<string>();
        AppendSigned(doc, header, "wsa", "MessageID", WsNames.Wsa, "id-msg", ids).InnerText = h.MessageUrn;
        if (message.RelatesTo is not null)
        {
            AppendSigned(doc, header, "wsa", "RelatesTo", WsNames.Wsa, "id-rel", ids).InnerText = message.RelatesTo;
        }

        AppendSigned(doc, header, "wsa", "To", WsNames.Wsa, "id-to", ids).InnerText = message.AddressTo;
        AppendSigned(doc, header, "wsa", "Action", WsNames.Wsa, "id-act", ids).InnerText = h.Action;
        var exchange = AppendSigned(doc, header, "n2n", "Exchange", WsNames.N2n, "id-xch", ids);
        Append(doc, exchange, "n2n", "ConversationId", WsNames.N2n).InnerText = h.ConversationId;
        Append(doc, exchange, "n2n", "From", WsNames.N2n).InnerText = h.From;
        Append(doc, exchange, "n2n", "To", WsNames.N2n).InnerText = h.To;
        Append(doc, exchange, "n2n", "DocumentType", WsNames.N2n).InnerText = h.DocumentType;
        Append(doc, exchange, "n2n", "Created", WsNames.N2n).InnerText = Rfc3339.Format(h.Created);

        var security = Append(doc, header, "wsse", "Security", WsNames.Wsse);
        SetAttribute(doc, security, "s", "mustUnderstand", WsNames.Soap12, "true");
        var timestamp = AppendSigned(doc, security, "wsu", "Timestamp", WsNames.Wsu, "id-ts", ids);
        Append(doc, timestamp, "wsu", "Created", WsNames.Wsu).InnerText = Rfc3339.Format(now);
        Append(doc, timestamp, "wsu", "Expires", WsNames.Wsu).InnerText = Rfc3339.Format(now + TimestampLifetime);
        var token = Append(doc, security, "wsse", "BinarySecurityToken", WsNames.Wsse);
        SetAttribute(doc, token, "wsu", "Id", WsNames.Wsu, "id-cert");
        token.SetAttribute("EncodingType", WsNames.Base64Binary);
        token.SetAttribute("ValueType", WsNames.X509V3);
        token.InnerText = Convert.ToBase64String(deviation?.PresentedCertificate ?? credential.Certificate.RawData);

        var bodyElement = AppendSigned(doc, envelope, "s", "Body", WsNames.Soap12, "id-body", ids);
        bodyElement.AppendChild(doc.ImportNode(body, deep: true));

        var signedXml = new WsuSignedXml(doc, WsuSignedXml.CollectIds(doc)) { SigningKey = credential.PrivateKey };
        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signedXml.SignedInfo.SignatureMethod = deviation?.SignatureMethod ?? (credential.IsEcdsa ? WsNames.EcdsaSha256 : SignedXml.XmlDsigRSASHA256Url);
        foreach (var id in ids.Where(id => deviation?.SignReference?.Invoke(id) ?? true))
        {
            var reference = new Reference(deviation?.ReferenceUri?.Invoke(id) ?? "#" + id) { DigestMethod = deviation?.DigestMethod ?? SignedXml.XmlDsigSHA256Url };
            reference.AddTransform(new XmlDsigExcC14NTransform());
            signedXml.AddReference(reference);
        }

        var keyInfo = new KeyInfo();
        var str = doc.CreateElement("wsse", "SecurityTokenReference", WsNames.Wsse);
        var strReference = Append(doc, str, "wsse", "Reference", WsNames.Wsse);
        strReference.SetAttribute("URI", "#id-cert");
        strReference.SetAttribute("ValueType", WsNames.X509V3);
        keyInfo.AddClause(new KeyInfoNode(str));
        signedXml.KeyInfo = keyInfo;
        signedXml.ComputeSignature();
        security.AppendChild(doc.ImportNode(signedXml.GetXml(), deep: true));

        return SecureXml.ToBytes(doc);
    }

    private static XmlElement Append(XmlDocument doc, XmlNode parent, string prefix, string localName, string ns)
    {
        var element = doc.CreateElement(prefix, localName, ns);
        parent.AppendChild(element);
        return element;
    }

    private static void SetAttribute(XmlDocument doc, XmlElement element, string prefix, string localName, string ns, string value)
    {
        // Created with an explicit prefix so the serialised form is the one the signature was computed over.
        var attribute = doc.CreateAttribute(prefix, localName, ns);
        attribute.Value = value;
        element.Attributes.Append(attribute);
    }

    private static XmlElement AppendSigned(XmlDocument doc, XmlNode parent, string prefix, string localName, string ns, string id, List<string> ids)
    {
        var element = Append(doc, parent, prefix, localName, ns);
        SetAttribute(doc, element, "wsu", "Id", WsNames.Wsu, id);
        ids.Add(id);
        return element;
    }
}
