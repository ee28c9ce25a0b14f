using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;

namespace N2N.Node.Transport.Grpc;

/// <summary>Calls partners' <c>n2n.v1.Exchange</c> services; one HTTP/2 channel per partner address, reused.</summary>
internal sealed class GrpcChannelPool(GrpcBinding binding, NodeConfig config, PartnerConnections connections) : IPartnerChannel, IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public TransportKind Kind => TransportKind.Grpc;

    public IMessageBinding Binding => binding;

    public string Destination(Partner partner, string nodeId) => partner.Profile.Endpoints.Grpc.TrimEnd('/');

    public async Task<ChannelReply> SendAsync(string destination, byte[] envelope, string action, CancellationToken cancellationToken) =>
        await CallAsync(destination, envelope, query: false, cancellationToken);

    /// <summary>A <c>Query</c> call (live AEO status), with the same error mapping as <c>Submit</c>.</summary>
    public async Task<ChannelReply> QueryAsync(string destination, byte[] envelope, CancellationToken cancellationToken) =>
        await CallAsync(destination, envelope, query: true, cancellationToken);

    private async Task<ChannelReply> CallAsync(string destination, byte[] envelope, bool query, CancellationToken cancellationToken)
    {
        var client = new V1.Exchange.ExchangeClient(_channels.GetOrAdd(destination, address => GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = config.MaxMessageBytes,
            MaxSendMessageSize = config.MaxMessageBytes * 2,
            HttpHandler = connections.CreateHandler(),
        })));
        var request = new V1.Envelope { CoseSign1 = ByteString.CopyFrom(envelope) };
        try
        {
            var options = new CallOptions(deadline: DateTime.UtcNow + config.PartnerTimeout, cancellationToken: cancellationToken);
            var reply = query ? await client.QueryAsync(request, options) : await client.SubmitAsync(request, options);
            return ChannelReply.Ok(reply.CoseSign1.ToByteArray());
        }
        catch (RpcException e)
        {
            var code = e.Trailers.GetValue(ExchangeService.ReasonTrailer);
            return new ChannelReply(null, code, $"{destination}: {e.StatusCode}: {e.Status.Detail}");
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
