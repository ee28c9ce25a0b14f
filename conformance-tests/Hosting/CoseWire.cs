using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = N2N.Node.Transport.Grpc.V1;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Hosting;

/// <summary>What a node answered on gRPC: the reply envelope, or the status and our reason-code trailer.</summary>
public sealed record GrpcAnswer(byte[]? Reply, StatusCode Status, string? ReasonCode);

/// <summary>
/// Builds COSE_Sign1 envelopes from the public .NET COSE API, label by label as DESIGN.md lists them, independently
/// of the node's own signer, and submits them over a real HTTP/2 connection.
/// </summary>
public static class CoseWire
{
    public static CoseHeaderMap Headers(NodeCredential credential, string from, string to, string type, DateTimeOffset? created = null, Guid? id = null) => new()
    {
        { CoseHeaderLabel.ContentType, "application/xml" },
        { new CoseHeaderLabel(33), CoseHeaderValue.FromBytes(credential.Certificate.RawData) },
        { new CoseHeaderLabel("n2n-id"), (id ?? Guid.NewGuid()).ToString("D") },
        { new CoseHeaderLabel("n2n-conversation"), Guid.NewGuid().ToString("D") },
        { new CoseHeaderLabel("n2n-from"), from },
        { new CoseHeaderLabel("n2n-to"), to },
        { new CoseHeaderLabel("n2n-type"), type },
        { new CoseHeaderLabel("n2n-created"), (created ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'") },
    };

    public static byte[] Sign(NodeCredential credential, CoseHeaderMap headers, byte[] payload, HashAlgorithmName? hash = null) =>
        CoseSign1Message.SignEmbedded(payload, new CoseSigner((ECDsa)credential.PrivateKey, hash ?? HashAlgorithmName.SHA256, headers));

    public static async Task<GrpcAnswer> SubmitAsync(string grpcUrl, byte[] envelope)
    {
        using var channel = GrpcChannel.ForAddress(grpcUrl, new GrpcChannelOptions { MaxSendMessageSize = 64 * 1024 * 1024 });
        var client = new V1.Exchange.ExchangeClient(channel);
        try
        {
            var reply = await client.SubmitAsync(new V1.Envelope { CoseSign1 = ByteString.CopyFrom(envelope) }, deadline: DateTime.UtcNow.AddSeconds(60));
            return new GrpcAnswer(reply.CoseSign1.ToByteArray(), StatusCode.OK, null);
        }
        catch (RpcException e)
        {
            return new GrpcAnswer(null, e.StatusCode, e.Trailers.GetValue("n2n-reason-code"));
        }
    }
}
