using System.Net.Http.Headers;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;

namespace N2N.Node.Transport.Soap;

/// <summary>Posts signed SOAP envelopes to <c>{partner}/n2n/{us}/soap</c>.</summary>
internal sealed class SoapChannel(SoapBinding binding, IHttpClientFactory httpClients, NodeConfig config) : IPartnerChannel
{
    public const string HttpClientName = "partners-soap";

    public TransportKind Kind => TransportKind.Soap;

    public IMessageBinding Binding => binding;

    public string Destination(Partner partner, string nodeId) => $"{partner.Profile.Endpoints.Soap.TrimEnd('/')}/n2n/{nodeId.ToLowerInvariant()}/soap";

    public async Task<ChannelReply> SendAsync(string destination, byte[] envelope, string action, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ByteArrayContent(envelope);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"{SoapEndpoint.ContentType}; action=\"{action}\"");
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(destination, content, cancellationToken);
            var (reply, truncated) = await SoapEndpoint.ReadBoundedAsync(await response.Content.ReadAsStreamAsync(cancellationToken), config.MaxMessageBytes, cancellationToken);
            if (truncated)
            {
                return new ChannelReply(null, null, "the partner's reply exceeds the size limit");
            }

            if (response.IsSuccessStatusCode)
            {
                return ChannelReply.Ok(reply);
            }

            return SoapFault.TryRead(reply) is { } fault
                ? new ChannelReply(null, fault.Code, $"{fault.Code}: {fault.Reason}")
                : new ChannelReply(null, null, $"HTTP {(int)response.StatusCode} from {destination}");
        }
        catch (HttpRequestException e)
        {
            return new ChannelReply(null, null, $"{destination}: {e.Message}");
        }
    }
}
