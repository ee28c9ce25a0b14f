using System.Text.Json;
using N2N.Node.Exchange;
using N2N.Trust;
using N2N.Trust.Cose;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;

namespace N2N.Node.Transport.Grpc;

/// <summary>gRPC + COSE_Sign1: envelopes and receipts as the wire contract describes.</summary>
public sealed class GrpcBinding : IMessageBinding
{
    public const string ReceiptContentType = "application/n2n-receipt+json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name => "grpc";

    public VerifiedMessage Verify(ReadOnlyMemory<byte> envelope, PartnerTrust trust, DateTimeOffset at)
    {
        var verified = CoseEnvelope.Verify(envelope.Span, trust, at);
        // COSE has no separate timestamp: the signed n2n-created is what freshness is judged on.
        return new VerifiedMessage(verified.Header, verified.Payload, verified.Signer, verified.Header.Created, null, null);
    }

    public MessageClaims ReadClaims(ReadOnlyMemory<byte> envelope)
    {
        var (id, from, type) = CoseEnvelope.TryReadClaims(envelope.Span);
        return new MessageClaims(id, from, type);
    }

    public byte[] Sign(ExchangeHeader header, ReadOnlyMemory<byte> document, string destination, string? relatesTo, NodeCredential credential, DateTimeOffset now) =>
        CoseEnvelope.Sign(header, ContentTypeOf(document.Span), document.Span, credential);

    public byte[] SignReceipt(Receipt receipt, ExchangeHeader request, string nodeId, NodeCredential credential, DateTimeOffset now)
    {
        var header = new ExchangeHeader(Guid.NewGuid(), request.ConversationId, nodeId, request.From, Receipt.DocumentType, now);
        var json = JsonSerializer.SerializeToUtf8Bytes(new ReceiptJson(
            receipt.RefToMessageId, Convert.ToBase64String(receipt.ReceivedDigest), receipt.Status, receipt.ReasonCode, receipt.RuleId,
            receipt.Detail, receipt.LogIndex, receipt.TreeSize, Convert.ToBase64String(receipt.RootHash)), s_json);
        return CoseEnvelope.Sign(header, ReceiptContentType, json, credential);
    }

    public Receipt ReadReceipt(VerifiedMessage reply)
    {
        try
        {
            var json = JsonSerializer.Deserialize<ReceiptJson>(reply.Payload, s_json)
                ?? throw new TrustException(ReasonCodes.Malformed, "empty receipt");
            return new Receipt
            {
                RefToMessageId = json.RefToMessageId,
                ReceivedDigest = Convert.FromBase64String(json.ReceivedDigest),
                Status = json.Status is Receipt.Accepted or Receipt.Rejected
                    ? json.Status
                    : throw new TrustException(ReasonCodes.Malformed, $"the receipt's status '{json.Status}' is neither Accepted nor Rejected"),
                ReasonCode = json.ReasonCode,
                RuleId = json.RuleId,
                Detail = json.Detail,
                LogIndex = json.LogIndex,
                TreeSize = json.TreeSize,
                RootHash = Convert.FromBase64String(json.RootHash),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentNullException)
        {
            throw new TrustException(ReasonCodes.Malformed, "unreadable receipt: " + e.Message);
        }
    }

    /// <summary>The content type of a partner document: XML, JSON or (for CSV lists) text.</summary>
    internal static string ContentTypeOf(ReadOnlySpan<byte> document)
    {
        var trimmed = document.TrimStart("\uFEFF"u8).TrimStart(" \t\r\n"u8);
        return trimmed.IsEmpty ? "application/octet-stream"
            : trimmed[0] == (byte)'<' ? "application/xml"
            : trimmed[0] is (byte)'{' or (byte)'[' ? "application/json"
            : "text/csv";
    }

    private sealed record ReceiptJson(
        Guid RefToMessageId, string ReceivedDigest, string Status, string? ReasonCode, string? RuleId, string? Detail, long LogIndex, long TreeSize, string RootHash);
}
