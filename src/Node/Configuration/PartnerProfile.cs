using System.Text.Json;
using System.Text.Json.Serialization;

namespace N2N.Node.Configuration;

/// <summary>Which binding carries messages to a partner.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransportKind>))]
public enum TransportKind
{
    /// <summary>SOAP 1.2 with WS-Security.</summary>
    Soap,
    /// <summary>gRPC with COSE_Sign1 envelopes.</summary>
    Grpc,
}

/// <summary>A node's endpoints as published in its profile.</summary>
public sealed record Endpoints
{
    public required string Soap { get; init; }

    public required string Grpc { get; init; }
}

/// <summary>A certificate in a profile, with the window in which it may sign.</summary>
public sealed record CertificateEntry
{
    /// <summary>The certificate, PEM.</summary>
    public required string Pem { get; init; }

    public required DateTimeOffset ValidFrom { get; init; }

    public required DateTimeOffset ValidTo { get; init; }
}

/// <summary>How one document type travels with a partner: the bilateral wire format.</summary>
public sealed record DocumentRoute
{
    /// <summary>Adapter id of the wire format, e.g. <c>cn.customs.ecfa-co/1</c>.</summary>
    public required string Adapter { get; init; }
}

/// <summary>How hard we try to deliver to a partner before dead-lettering, agreed per partner.</summary>
public sealed record DeliveryPolicy
{
    /// <summary>Attempts before a message is dead-lettered. <value>The default value is 6.</value></summary>
    public int Attempts { get; init; } = 6;

    /// <summary>Delay before the second attempt; doubles each time, ±50 % jitter. <value>The default value is 2 seconds.</value></summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between attempts. <value>The default value is 5 minutes.</value></summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-call timeout. <value>The default value is 30 seconds.</value></summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries to this partner at once, so a slow partner cannot hold every worker. <value>The default value is 2.</value></summary>
    public int MaxInFlight { get; init; } = 2;

    public static DeliveryPolicy Default { get; } = new();

    /// <summary>Exponential back-off with jitter for the attempt that failed (1-based).</summary>
    public TimeSpan Backoff(int failedAttempt)
    {
        var exponential = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempt - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, exponential) * (0.5 + Random.Shared.NextDouble()));
    }
}

/// <summary>How many messages a partner may send us (token bucket), so one noisy partner cannot starve the others.</summary>
public sealed record RateLimit
{
    /// <summary>Sustained rate. <value>The default value is 1,000 per second.</value></summary>
    public int PermitsPerSecond { get; init; } = 1000;

    /// <summary>Burst above the sustained rate. <value>The default value is 2,000.</value></summary>
    public int Burst { get; init; } = 2000;

    public static RateLimit Default { get; } = new();
}

/// <summary>A node's public profile (<c>profile.json</c>), which partners import.</summary>
public sealed record NodeProfile
{
    public required string Country { get; init; }

    public required Endpoints Endpoints { get; init; }

    public required IReadOnlyList<CertificateEntry> Certificates { get; init; }

    /// <summary>The node's TLS certificate (PEM), pinned by partners for mutual TLS; absent when it serves cleartext.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>Optional: the document mapping this node proposes; the reference agreement applies otherwise.</summary>
    public IReadOnlyDictionary<string, DocumentRoute>? Documents { get; init; }

    public TransportKind? Transport { get; init; }
}

/// <summary>A partner as this node knows it: pinned certificates, endpoints, transport and allowed documents.</summary>
public sealed record PartnerProfile
{
    public required string Country { get; init; }

    public required TransportKind Transport { get; init; }

    public required Endpoints Endpoints { get; init; }

    /// <summary>Every certificate ever pinned, old ones kept so that old messages still verify.</summary>
    public required IReadOnlyList<CertificateEntry> Certificates { get; init; }

    /// <summary>Allowed document types and their wire format; anything else is NOT_ALLOWED.</summary>
    public required IReadOnlyDictionary<string, DocumentRoute> Documents { get; init; }

    /// <summary>The partner's pinned TLS certificates (PEM): its client certificate towards us, its server certificate towards it.</summary>
    public IReadOnlyList<string> TlsCertificates { get; init; } = [];

    /// <summary>Retry policy for deliveries to this partner. <value>The default value is <see cref="DeliveryPolicy.Default"/>.</value></summary>
    public DeliveryPolicy Delivery { get; init; } = DeliveryPolicy.Default;

    /// <summary>What this partner may send us. <value>The default value is <see cref="RateLimit.Default"/>.</value></summary>
    public RateLimit Inbound { get; init; } = RateLimit.Default;
}

/// <summary>A bilateral agreement shipped with the node (<c>partners/&lt;cc&gt;.json</c>): transport and document formats between two countries.</summary>
public sealed record ReferenceAgreement
{
    public required string Country { get; init; }

    /// <summary>The other party of the agreement; the file applies seen from either side.</summary>
    public required string Counterpart { get; init; }

    public string? Name { get; init; }

    public required TransportKind Transport { get; init; }

    public required IReadOnlyDictionary<string, DocumentRoute> Documents { get; init; }

    /// <summary>The agreements shipped in <c>partners/</c> next to the node binary.</summary>
    public static IReadOnlyList<ReferenceAgreement> LoadShipped()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "partners");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.GetFiles(folder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<ReferenceAgreement>(File.ReadAllText(f), NodeConfig.Json)
                ?? throw new ConfigurationException($"{f} is empty"))
            .ToList();
    }

    /// <summary>The agreement between <paramref name="us"/> and <paramref name="partner"/>, seen from either side.</summary>
    public static ReferenceAgreement? Find(IEnumerable<ReferenceAgreement> agreements, string us, string partner) =>
        agreements.FirstOrDefault(a =>
            (Same(a.Country, partner) && Same(a.Counterpart, us)) || (Same(a.Country, us) && Same(a.Counterpart, partner)));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
