using System.Globalization;
using System.Text;
using System.Xml;
using N2N.Node.Exchange;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;
using N2N.Trust.WsSecurity;

namespace N2N.Node.Transport.Soap;

/// <summary>SOAP 1.2 + WS-Security: envelopes and receipts as the wire contract describes.</summary>
public sealed class SoapBinding(XmlLimits limits) : IMessageBinding
{
    public string Name => "soap";

    public VerifiedMessage Verify(ReadOnlyMemory<byte> envelope, PartnerTrust trust, DateTimeOffset at)
    {
        var verified = WsSecurityVerifier.Verify(envelope, trust, at, limits);
        return new VerifiedMessage(verified.Header, verified.Payload, verified.Signer, verified.TimestampCreated, verified.TimestampExpires, verified.RelatesTo);
    }

    public MessageClaims ReadClaims(ReadOnlyMemory<byte> envelope)
    {
        var (id, from, type) = WsSecurityVerifier.TryReadClaims(SecureXml.Load(envelope, limits));
        return new MessageClaims(id, from, type);
    }

    public byte[] Sign(ExchangeHeader header, ReadOnlyMemory<byte> document, string destination, string? relatesTo, NodeCredential credential, DateTimeOffset now) =>
        WsSecuritySigner.Sign(new SoapMessage(header, destination, relatesTo, document), credential, now, limits);

    public byte[] SignReceipt(Receipt receipt, ExchangeHeader request, string nodeId, NodeCredential credential, DateTimeOffset now)
    {
        var header = new ExchangeHeader(Guid.NewGuid(), request.ConversationId, nodeId, request.From, Receipt.DocumentType, now);
        return Sign(header, WriteReceipt(receipt), WsNames.AnonymousAddress, request.MessageUrn, credential, now);
    }

    public Receipt ReadReceipt(VerifiedMessage reply)
    {
        try
        {
            var root = SecureXml.Load(reply.Payload, limits).DocumentElement;
            if (root is null || root.LocalName != "Receipt" || root.NamespaceURI != WsNames.N2n)
            {
                throw new TrustException(ReasonCodes.Malformed, "the reply body is not an n2n:Receipt");
            }

            string? Field(string name) => root.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == name && e.NamespaceURI == WsNames.N2n)?.InnerText.Trim();
            string Required(string name) => Field(name) ?? throw new TrustException(ReasonCodes.Malformed, $"the receipt has no n2n:{name}");

            var reference = Required("RefToMessageId");
            return new Receipt
            {
                RefToMessageId = Guid.Parse(reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? reference[9..] : reference),
                ReceivedDigest = Convert.FromBase64String(Required("ReceivedDigest")),
                Status = Required("Status") switch
                {
                    Receipt.Accepted => Receipt.Accepted,
                    Receipt.Rejected => Receipt.Rejected,
                    var other => throw new TrustException(ReasonCodes.Malformed, $"the receipt's status '{other}' is neither Accepted nor Rejected"),
                },
                ReasonCode = Field("ReasonCode"),
                RuleId = Field("RuleId"),
                Detail = Field("Detail"),
                LogIndex = long.Parse(Required("LogIndex"), CultureInfo.InvariantCulture),
                TreeSize = long.Parse(Required("TreeSize"), CultureInfo.InvariantCulture),
                RootHash = Convert.FromBase64String(Required("RootHash")),
            };
        }
        catch (FormatException e)
        {
            throw new TrustException(ReasonCodes.Malformed, "unreadable receipt: " + e.Message);
        }
    }

    internal static byte[] WriteReceipt(Receipt receipt)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            writer.WriteStartElement("n2n", "Receipt", WsNames.N2n);
            writer.WriteElementString("n2n", "RefToMessageId", WsNames.N2n, "urn:uuid:" + receipt.RefToMessageId.ToString("D"));
            writer.WriteElementString("n2n", "ReceivedDigest", WsNames.N2n, Convert.ToBase64String(receipt.ReceivedDigest));
            writer.WriteElementString("n2n", "Status", WsNames.N2n, receipt.Status);
            foreach (var (name, value) in new[] { ("ReasonCode", receipt.ReasonCode), ("RuleId", receipt.RuleId), ("Detail", receipt.Detail) })
            {
                if (value is not null)
                {
                    writer.WriteElementString("n2n", name, WsNames.N2n, value);
                }
            }

            writer.WriteElementString("n2n", "LogIndex", WsNames.N2n, receipt.LogIndex.ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("n2n", "TreeSize", WsNames.N2n, receipt.TreeSize.ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("n2n", "RootHash", WsNames.N2n, Convert.ToBase64String(receipt.RootHash));
            writer.WriteEndElement();
        }

        return stream.ToArray();
    }
}
