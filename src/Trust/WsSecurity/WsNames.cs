using System.Security.Cryptography.Xml;

namespace N2N.Trust.WsSecurity;

/// <summary>Namespaces and algorithm URIs of our WS-Security 1.1 profile.</summary>
public static class WsNames
{
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";
    public const string Wsa = "http://www.w3.org/2005/08/addressing";
    public const string N2n = "urn:n2n:exchange:1";
    public const string Wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public const string Wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    public const string Ds = SignedXml.XmlDsigNamespaceUrl;
    public const string X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
    public const string Base64Binary = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
    public const string AnonymousAddress = "http://www.w3.org/2005/08/addressing/anonymous";

    public const string EcdsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    public const string EcdsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    public const string EcdsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";

    /// <summary>Signature methods we accept; anything else (rsa-sha1, HMAC, DSA) is WEAK_ALGORITHM.</summary>
    public static readonly IReadOnlySet<string> AllowedSignatureMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigRSASHA256Url, SignedXml.XmlDsigRSASHA384Url, SignedXml.XmlDsigRSASHA512Url,
        EcdsaSha256, EcdsaSha384, EcdsaSha512,
    };

    /// <summary>Digest methods we accept; SHA-1 and MD5 are WEAK_ALGORITHM.</summary>
    public static readonly IReadOnlySet<string> AllowedDigestMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigSHA256Url, SignedXml.XmlDsigSHA384Url, SignedXml.XmlDsigSHA512Url,
    };
}
