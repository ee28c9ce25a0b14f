using System.Formats.Cbor;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;

namespace N2N.Trust.Cose;

/// <summary>A COSE_Sign1 envelope whose signature, signer and header have been verified.</summary>
public sealed record VerifiedCose(ExchangeHeader Header, string ContentType, byte[] Payload, X509Certificate2 Signer);

/// <summary>
/// Our COSE_Sign1 profile (RFC 9052): payload = the partner document; protected header = alg (ES256 or PS256),
/// content type, x5chain (exactly one DER certificate) and the exchange header as text labels.
/// </summary>
public static class CoseEnvelope
{
    public const int Es256 = -7;
    public const int Ps256 = -37;

    private static readonly CoseHeaderLabel X5Chain = new(33);
    private static readonly CoseHeaderLabel Id = new("n2n-id");
    private static readonly CoseHeaderLabel Conversation = new("n2n-conversation");
    private static readonly CoseHeaderLabel From = new("n2n-from");
    private static readonly CoseHeaderLabel To = new("n2n-to");
    private static readonly CoseHeaderLabel Type = new("n2n-type");
    private static readonly CoseHeaderLabel Created = new("n2n-created");

    /// <summary>The only labels a <c>crit</c> list may name: anything else is a header we do not understand.</summary>
    private static readonly HashSet<CoseHeaderLabel> s_understood = [Id, Conversation, From, To, Type, Created, X5Chain, CoseHeaderLabel.ContentType, CoseHeaderLabel.Algorithm];

    public static byte[] Sign(ExchangeHeader header, string contentType, ReadOnlySpan<byte> payload, NodeCredential credential)
    {
        var headers = new CoseHeaderMap
        {
            { CoseHeaderLabel.ContentType, contentType },
            { X5Chain, CoseHeaderValue.FromBytes(credential.Certificate.RawData) },
            { Id, header.MessageId.ToString("D") },
            { Conversation, header.ConversationId },
            { From, header.From },
            { To, header.To },
            { Type, header.DocumentType },
            { Created, Rfc3339.Format(header.Created) },
        };
        var signer = credential.PrivateKey is ECDsa ecdsa
            ? new CoseSigner(ecdsa, HashAlgorithmName.SHA256, headers)
            : new CoseSigner((RSA)credential.PrivateKey, RSASignaturePadding.Pss, HashAlgorithmName.SHA256, headers);
        return CoseSign1Message.SignEmbedded(payload, signer);
    }

    /// <summary>Verifies with the partner's pinned certificate only; <paramref name="at"/> is when the certificate must be valid.</summary>
    /// <exception cref="TrustException">With the reason code of the failed check.</exception>
    public static VerifiedCose Verify(ReadOnlySpan<byte> envelope, PartnerTrust trust, DateTimeOffset at)
    {
        var message = Decode(envelope);
        var headers = message.ProtectedHeaders;
        if (message.UnprotectedHeaders.Count > 0)
        {
            throw new TrustException(ReasonCodes.Malformed, "unprotected headers are not allowed: everything we act on must be signed");
        }

        var alg = Integer(headers, CoseHeaderLabel.Algorithm, "alg");
        if (alg is not (Es256 or Ps256))
        {
            throw new TrustException(ReasonCodes.WeakAlgorithm, $"COSE alg {alg} is not allowed: ES256 (-7) or PS256 (-37) only");
        }

        CheckCritical(headers);
        var header = ReadHeader(headers);
        var contentType = Text(headers, CoseHeaderLabel.ContentType, "content type");
        var pin = trust.Require(ReadX5Chain(headers).Span, at, "x5chain");
        var valid = trust.WithPublicKey(pin, key =>
        {
            if ((alg == Es256) != key is ECDsa || key is RSA { KeySize: < 2048 })
            {
                throw new TrustException(ReasonCodes.WeakAlgorithm, $"alg {alg} does not fit the pinned certificate's key");
            }

            try
            {
                return message.VerifyEmbedded(key!);
            }
            catch (CryptographicException e)
            {
                throw new TrustException(ReasonCodes.BadSignature, "COSE signature check failed: " + e.Message);
            }
        });
        if (!valid)
        {
            throw new TrustException(ReasonCodes.BadSignature, "the COSE_Sign1 signature does not verify");
        }

        if (!string.Equals(header.From, trust.Country, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrustException(ReasonCodes.UntrustedCert, $"n2n-from '{header.From}' is not the authenticated partner {trust.Country}");
        }

        return new VerifiedCose(header, contentType, message.Content!.Value.ToArray(), pin.Certificate);
    }

    /// <summary>Best effort, for routing and logging: the claimed header of an unverified envelope.</summary>
    public static (string? MessageId, string? From, string? DocumentType) TryReadClaims(ReadOnlySpan<byte> envelope)
    {
        try
        {
            var headers = Decode(envelope).ProtectedHeaders;
            string? Claim(CoseHeaderLabel label) => headers.TryGetValue(label, out var v) ? v.GetValueAsString() : null;
            return (Claim(Id), Claim(From), Claim(Type));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Claims are only a hint for routing and logging; anything unreadable is simply "no claim".
            return (null, null, null);
        }
    }

    /// <summary>Decodes without verifying (the payload of a request whose signature is checked afterwards).</summary>
    /// <exception cref="TrustException">MALFORMED.</exception>
    public static byte[] ReadPayload(ReadOnlySpan<byte> envelope) => Decode(envelope).Content!.Value.ToArray();

    private static CoseSign1Message Decode(ReadOnlySpan<byte> envelope)
    {
        try
        {
            var message = CoseMessage.DecodeSign1(envelope);
            return message.Content is null
                ? throw new TrustException(ReasonCodes.Malformed, "detached content is not allowed: the document travels in the envelope")
                : message;
        }
        catch (Exception e) when (e is CryptographicException or CborContentException or OverflowException or InvalidOperationException or ArgumentException)
        {
            // .NET's decoder throws more than CryptographicException on hostile CBOR (e.g. a label beyond 32 bits).
            throw new TrustException(ReasonCodes.Malformed, "not a COSE_Sign1 message: " + e.Message);
        }
    }

    private static void CheckCritical(CoseHeaderMap headers)
    {
        if (!headers.TryGetValue(CoseHeaderLabel.CriticalHeaders, out var crit))
        {
            return;
        }

        var reader = new CborReader(crit.EncodedValue);
        try
        {
            var count = reader.ReadStartArray();
            for (var i = 0; count is null || i < count; i++)
            {
                if (reader.PeekState() == CborReaderState.EndArray)
                {
                    break;
                }

                var label = reader.PeekState() == CborReaderState.TextString
                    ? new CoseHeaderLabel(reader.ReadTextString())
                    : new CoseHeaderLabel(checked((int)reader.ReadInt64()));
                if (!s_understood.Contains(label))
                {
                    throw new TrustException(ReasonCodes.Malformed, $"critical header {label} is not understood");
                }
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException)
        {
            throw new TrustException(ReasonCodes.Malformed, "unreadable crit header: " + e.Message);
        }
    }

    /// <summary>The signer's certificate as DER bytes, unparsed: it is matched to a pin byte for byte.</summary>
    private static ReadOnlyMemory<byte> ReadX5Chain(CoseHeaderMap headers)
    {
        if (!headers.TryGetValue(X5Chain, out var value))
        {
            throw new TrustException(ReasonCodes.Malformed, "missing x5chain (33): the signer's certificate");
        }

        var reader = new CborReader(value.EncodedValue);
        try
        {
            if (reader.PeekState() != CborReaderState.ByteString)
            {
                // A chain would let the sender choose which certificate we look at: we pin exactly one.
                throw new TrustException(ReasonCodes.UntrustedCert, "x5chain must hold exactly one certificate, the pinned signer's");
            }

            return reader.ReadByteString();
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException)
        {
            throw new TrustException(ReasonCodes.Malformed, "x5chain is not a DER certificate: " + e.Message);
        }
    }

    private static ExchangeHeader ReadHeader(CoseHeaderMap headers)
    {
        var id = Text(headers, Id, "n2n-id");
        var created = Text(headers, Created, "n2n-created");
        if (!Guid.TryParseExact(id, "D", out var messageId))
        {
            throw new TrustException(ReasonCodes.Malformed, $"n2n-id '{id}' is not a UUID");
        }

        if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new TrustException(ReasonCodes.Malformed, $"n2n-created '{created}' is not an RFC 3339 time");
        }

        return new ExchangeHeader(messageId, Text(headers, Conversation, "n2n-conversation"), Text(headers, From, "n2n-from"),
            Text(headers, To, "n2n-to"), Text(headers, Type, "n2n-type"), time);
    }

    private static string Text(CoseHeaderMap headers, CoseHeaderLabel label, string name)
    {
        try
        {
            return headers.TryGetValue(label, out var value) && value.GetValueAsString() is { Length: > 0 } text
                ? text
                : throw new TrustException(ReasonCodes.Malformed, $"missing protected header {name}");
        }
        catch (InvalidOperationException)
        {
            throw new TrustException(ReasonCodes.Malformed, $"protected header {name} is not a text string");
        }
    }

    private static int Integer(CoseHeaderMap headers, CoseHeaderLabel label, string name)
    {
        try
        {
            return headers.TryGetValue(label, out var value)
                ? value.GetValueAsInt32()
                : throw new TrustException(ReasonCodes.Malformed, $"missing protected header {name}");
        }
        catch (InvalidOperationException)
        {
            throw new TrustException(ReasonCodes.WeakAlgorithm, $"protected header {name} is not a registered integer algorithm");
        }
    }

}
