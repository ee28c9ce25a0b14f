using N2N.Node.Configuration;
using N2N.Node.Exchange;

namespace N2N.Node.Delivery;

/// <summary>What came back from a partner: its signed reply, or a refusal with its reason code, or a transport error.</summary>
public sealed record ChannelReply(byte[]? Reply, string? FaultCode, string Error)
{
    public static ChannelReply Ok(byte[] reply) => new(reply, null, "");
}

/// <summary>One way of reaching partners (SOAP over HTTP, gRPC): a binding's envelopes over its transport.</summary>
public interface IPartnerChannel
{
    TransportKind Kind { get; }

    IMessageBinding Binding { get; }

    /// <summary>Where a message from <paramref name="nodeId"/> to <paramref name="partner"/> goes (also signed into SOAP's wsa:To).</summary>
    string Destination(Partner partner, string nodeId);

    /// <summary>Sends one envelope; transport failures are returned, not thrown, so the caller can count the attempt.</summary>
    Task<ChannelReply> SendAsync(string destination, byte[] envelope, string action, CancellationToken cancellationToken);
}
