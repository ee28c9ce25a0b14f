using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using N2N.Node.Configuration;
using N2N.Trust.Keys;

namespace N2N.Node.Transport;

/// <summary>
/// The HTTP handler for every outbound call to partners (SOAP, gRPC, proofs): presents our TLS certificate as client
/// certificate and accepts a partner's server certificate only if it is pinned (or, without pins, valid by the system).
/// </summary>
public sealed class PartnerConnections(NodeCredential? tls, Func<IEnumerable<Partner>> partners)
{
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), EnableMultipleHttp2Connections = true };
        if (tls is not null)
        {
            handler.SslOptions.ClientCertificates = [tls.Certificate];
        }

        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is X509Certificate2 presented && partners().Any(p => p.IsPinnedTls(presented))
            || errors == SslPolicyErrors.None;
        return handler;
    }
}
