using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using N2N.Trust.TrustStore;

namespace N2N.Trust.WsSecurity;

/// <summary>An envelope whose signature, signer and coverage have been verified.</summary>
/// <param name="Payload">The Body's document, serialised on its own (UTF-8, with its namespaces).</param>
/// <param name="TimestampCreated">wsu:Timestamp/Created; freshness is checked by the caller (after de-duplication).</param>
public sealed record VerifiedSoapMessage(
    ExchangeHeader Header,
    string AddressTo,
    string? RelatesTo,
    DateTimeOffset TimestampCreated,
    DateTimeOffset TimestampExpires,
    X509Certificate2 Signer,
    byte[] Payload);

/// <summary>Verifies our WS-Security profile against one partner's pinned certificates.</summary>
public static class WsSecurityVerifier
{
    /// <summary>Parses and verifies; <paramref name="at"/> is the time certificates must be valid at (now, or the signing time on replay).</summary>
    /// <exception cref="TrustException">With the reason code of the first check that failed.</exception>
    public static VerifiedSoapMessage Verify(ReadOnlyMemory<byte> envelope, PartnerTrust trust, DateTimeOffset at, XmlLimits? limits = null) =>
        Verify(SecureXml.Load(envelope, limits ?? XmlLimits.Default), trust, at);

    /// <summary>Verifies an already parsed envelope (see <see cref="SecureXml.Load"/>).</summary>
    public static VerifiedSoapMessage Verify(XmlDocument document, PartnerTrust trust, DateTimeOffset at)
    {
        EcdsaSignatureDescription.EnsureRegistered();
        var parts = SoapEnvelopeReader.Read(document);
        var ids = WsuSignedXml.CollectIds(document);
        var signedXml = new WsuSignedXml(document, ids);
        try
        {
            signedXml.LoadXml(parts.Signature);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or XmlException)
        {
            throw new TrustException(ReasonCodes.Malformed, "unreadable ds:Signature: " + e.Message);
        }

        CheckAlgorithms(signedXml.SignedInfo!);
        var pin = trust.Require(ReadToken(parts, signedXml), at, "the BinarySecurityToken");
        CheckKey(pin.Certificate, signedXml.SignedInfo!.SignatureMethod!);

        var valid = trust.WithPublicKey(pin, publicKey =>
        {
            try
            {
                return publicKey is not null && signedXml.CheckSignature(publicKey);
            }
            catch (CryptographicException e)
            {
                throw new TrustException(ReasonCodes.BadSignature, "signature check failed: " + e.Message);
            }
        });
        if (!valid)
        {
            throw new TrustException(ReasonCodes.BadSignature, "the signature or a reference digest does not verify");
        }

        CheckCoverage(parts, signedXml.SignedInfo!, ids);

        var header = parts.Header;
        if (!string.Equals(header.From, trust.Country, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrustException(ReasonCodes.UntrustedCert, $"n2n:From '{header.From}' is not the authenticated partner {trust.Country}");
        }

        return new VerifiedSoapMessage(
            header,
            parts.AddressTo.InnerText.Trim(),
            parts.RelatesTo?.InnerText.Trim(),
            ReadTime(parts.Timestamp, "Created"),
            ReadTime(parts.Timestamp, "Expires"),
            pin.Certificate,
            ExtractPayload(parts.Payload));
    }

    /// <summary>Best effort, for logging a refused message: the claimed message id, sender and document type.</summary>
    public static (string? MessageId, string? From, string? DocumentType) TryReadClaims(XmlDocument document) =>
        SoapEnvelopeReader.TryReadClaims(document);

    private static void CheckAlgorithms(SignedInfo signedInfo)
    {
        if (signedInfo.CanonicalizationMethod != SignedXml.XmlDsigExcC14NTransformUrl)
        {
            throw new TrustException(ReasonCodes.WeakAlgorithm, $"canonicalization '{signedInfo.CanonicalizationMethod}' is not allowed: exclusive c14n only");
        }

        if (signedInfo.SignatureMethod is not { } method || !WsNames.AllowedSignatureMethods.Contains(method))
        {
            throw new TrustException(ReasonCodes.WeakAlgorithm, $"signature method '{signedInfo.SignatureMethod}' is not allowed");
        }

        foreach (Reference reference in signedInfo.References)
        {
            if (reference.DigestMethod is not { } digest || !WsNames.AllowedDigestMethods.Contains(digest))
            {
                throw new TrustException(ReasonCodes.WeakAlgorithm, $"digest method '{reference.DigestMethod}' is not allowed");
            }

            // Only '#' + a plain NCName: .NET also resolves '#xpointer(id(...))', which the coverage check would read
            // as a different (attacker-chosen) id, a signature-wrapping path.
            if (reference.Uri is not { Length: > 1 } uri || uri[0] != '#' || !IsNcName(uri[1..]))
            {
                throw new TrustException(ReasonCodes.BadSignature, $"reference '{reference.Uri}' is not a same-document id reference");
            }

            foreach (Transform transform in reference.TransformChain)
            {
                if (transform.Algorithm != SignedXml.XmlDsigExcC14NTransformUrl)
                {
                    throw new TrustException(ReasonCodes.WeakAlgorithm, $"transform '{transform.Algorithm}' is not allowed: exclusive c14n only");
                }
            }
        }
    }

    private static bool IsNcName(string value)
    {
        try
        {
            XmlConvert.VerifyNCName(value);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>The token's DER bytes, unparsed: they are matched to a pin byte for byte.</summary>
    private static byte[] ReadToken(SoapEnvelopeParts parts, SignedXml signedXml)
    {
        var token = parts.Token;
        if (token.GetAttribute("ValueType") != WsNames.X509V3)
        {
            throw new TrustException(ReasonCodes.Malformed, "the BinarySecurityToken is not an X509v3 token");
        }

        var tokenId = token.GetAttributeNode("Id", WsNames.Wsu)?.Value;
        var keyInfoXml = signedXml.KeyInfo.GetXml();
        var strReference = keyInfoXml.GetElementsByTagName("Reference", WsNames.Wsse).OfType<XmlElement>().ToList();
        if (tokenId is null || keyInfoXml.ChildNodes.OfType<XmlElement>().Count() != 1 || strReference is not [var r] || r.GetAttribute("URI") != "#" + tokenId)
        {
            throw new TrustException(ReasonCodes.BadSignature, "KeyInfo must hold one SecurityTokenReference to the message's BinarySecurityToken");
        }

        try
        {
            return Convert.FromBase64String(token.InnerText.Trim());
        }
        catch (FormatException e)
        {
            throw new TrustException(ReasonCodes.Malformed, "the BinarySecurityToken is not base64: " + e.Message);
        }
    }

    private static void CheckKey(X509Certificate2 certificate, string signatureMethod)
    {
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            throw new TrustException(ReasonCodes.UntrustedCert, "the certificate's key usage does not allow digital signatures");
        }

        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is { KeySize: < 2048 })
        {
            throw new TrustException(ReasonCodes.WeakAlgorithm, $"RSA key of {rsa.KeySize} bits: at least 2048 are required");
        }

        var isEcdsaMethod = signatureMethod.Contains("ecdsa", StringComparison.Ordinal);
        if (isEcdsaMethod == (rsa is not null))
        {
            throw new TrustException(ReasonCodes.BadSignature, $"signature method '{signatureMethod}' does not fit the certificate's key");
        }
    }

    private static void CheckCoverage(SoapEnvelopeParts parts, SignedInfo signedInfo, Dictionary<string, XmlElement> ids)
    {
        var signed = new HashSet<XmlElement>(ReferenceEqualityComparer.Instance);
        foreach (Reference reference in signedInfo.References)
        {
            signed.Add(ids.TryGetValue(reference.Uri![1..], out var element)
                ? element
                : throw new TrustException(ReasonCodes.BadSignature, $"reference {reference.Uri} names no element of this message"));
        }

        var required = new (XmlElement? Element, string Name)[]
        {
            (parts.Body, "soap:Body"), (parts.Timestamp, "wsu:Timestamp"), (parts.Exchange, "n2n:Exchange"),
            (parts.MessageId, "wsa:MessageID"), (parts.AddressTo, "wsa:To"), (parts.Action, "wsa:Action"), (parts.RelatesTo, "wsa:RelatesTo"),
        };
        var missing = required.Where(r => r.Element is not null && !signed.Contains(r.Element)).Select(r => r.Name).ToList();
        if (missing.Count > 0)
        {
            throw new TrustException(ReasonCodes.BadSignature, "the signature does not cover " + string.Join(", ", missing));
        }
    }

    private static DateTimeOffset ReadTime(XmlElement timestamp, string name)
    {
        var matches = SoapEnvelopeReader.ElementChildren(timestamp).Where(e => e.LocalName == name && e.NamespaceURI == WsNames.Wsu).ToList();
        var element = matches.Count == 1 ? matches[0] : null;
        if (element is null || !DateTimeOffset.TryParse(element.InnerText.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new TrustException(ReasonCodes.Malformed, $"wsu:Timestamp needs one valid wsu:{name}");
        }

        return time;
    }

    /// <summary>
    /// The payload exactly as the Body digest saw it: exclusive c14n without comments, so a comment or CDATA section
    /// inserted into a signed Body (which the digest ignores) cannot reach the adapter or change the payload digest.
    /// </summary>
    private static byte[] ExtractPayload(XmlElement payload)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.AppendChild(document.ImportNode(payload, deep: true));
        var transform = new XmlDsigExcC14NTransform(includeComments: false);
        transform.LoadInput(document);
        using var output = (Stream)transform.GetOutput(typeof(Stream));
        using var buffer = new MemoryStream();
        output.CopyTo(buffer);
        return buffer.ToArray();
    }
}
