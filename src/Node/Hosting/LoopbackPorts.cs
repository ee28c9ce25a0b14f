using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace N2N.Node.Hosting;

/// <summary>Free ports on 127.0.0.1, for nodes the demo, the benchmark and the tests start on loopback.</summary>
public static class LoopbackPorts
{
    // Below the OS's ephemeral range (Linux 32768-60999, Windows and macOS 49152-65535). A port the OS handed out for
    // port 0 and that was then released comes from the range it also gives every outgoing connection, and under a
    // parallel test run a client socket took one before the node could bind it. Down here only listeners compete.
    private const int FirstPort = 20_000;
    private const int EndPort = 32_000;

    // Each port is handed out once per process, so two nodes started together never get the same one.
    private static readonly ConcurrentDictionary<int, byte> s_handedOut = new();

    /// <summary>A loopback port that was free when checked and that this process has not handed out before.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(FirstPort, EndPort);
            if (!s_handedOut.TryAdd(port, 0))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Another process listens there: try another.
            }
        }

        throw new InvalidOperationException($"no free loopback port found between {FirstPort} and {EndPort}");
    }

    /// <summary>Runs <c>init</c> for a node whose SOAP and gRPC URLs are free loopback ports.</summary>
    public static Configuration.NodeConfig InitializeNode(Configuration.DataFolder folder, string nodeId, Trust.Keys.KeyKind keyKind = Trust.Keys.KeyKind.EcdsaP256, bool tls = false)
    {
        var scheme = tls ? "https" : "http";
        return Configuration.NodeSetup.Initialize(folder, nodeId, $"{scheme}://127.0.0.1:{Free()}", $"{scheme}://127.0.0.1:{Free()}", keyKind, DateTimeOffset.UtcNow, tls: tls);
    }
}
