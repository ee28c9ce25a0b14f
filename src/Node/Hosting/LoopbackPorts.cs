using System.Net;
using System.Net.Sockets;

namespace N2N.Node.Hosting;

/// <summary>Free ports on 127.0.0.1, for nodes the demo, the benchmark and the tests start on loopback.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the OS just handed out and released; another process could take it first, which loopback runs tolerate.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs <c>init</c> for a node whose SOAP and gRPC URLs are free loopback ports.</summary>
    public static Configuration.NodeConfig InitializeNode(Configuration.DataFolder folder, string nodeId, Trust.Keys.KeyKind keyKind = Trust.Keys.KeyKind.EcdsaP256, bool tls = false)
    {
        var scheme = tls ? "https" : "http";
        return Configuration.NodeSetup.Initialize(folder, nodeId, $"{scheme}://127.0.0.1:{Free()}", $"{scheme}://127.0.0.1:{Free()}", keyKind, DateTimeOffset.UtcNow, tls: tls);
    }
}
