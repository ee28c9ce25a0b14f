using System.Text.Json;
using System.Text.Json.Serialization;

namespace N2N.Node.Configuration;

/// <summary>TLS for the node's endpoints, with client certificates pinned per partner (production).</summary>
public sealed record TlsSettings
{
    /// <summary>The TLS certificate (PEM or PFX), relative to the data folder; also presented as our client certificate.</summary>
    public required string CertificateFile { get; init; }

    /// <summary>PKCS#8 key (PEM) for a PEM certificate.</summary>
    public string? KeyFile { get; init; }

    public string? KeyPassword { get; init; }

    /// <summary>Refuse partner messages whose TLS client certificate is not pinned for that partner. <value>The default value is true.</value></summary>
    public bool RequireClientCertificate { get; init; } = true;
}

/// <summary>A node's configuration, <c>DIR/node.json</c>.</summary>
public sealed record NodeConfig
{
    /// <summary>ISO 3166-1 alpha-2 code of the country this node serves.</summary>
    public required string NodeId { get; init; }

    /// <summary>Base URL of the SOAP endpoints and the backend API.</summary>
    public required string SoapUrl { get; init; }

    /// <summary>Base URL of the gRPC endpoint (HTTP/2).</summary>
    public required string GrpcUrl { get; init; }

    /// <summary>Key for the backend API used by national systems and the CLI.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Signing certificate (PEM or PFX), relative to the data folder.</summary>
    public string CertificateFile { get; init; } = "keys/signing.crt.pem";

    /// <summary>PKCS#8 private key (PEM), relative to the data folder; unused with a PFX.</summary>
    public string? KeyFile { get; init; } = "keys/signing.key.pem";

    /// <summary>Password of a PFX file, if any.</summary>
    public string? KeyPassword { get; init; }

    /// <summary>TLS and mutual TLS; null serves cleartext HTTP (development).</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>Largest accepted message. <value>The default value is 4 MiB.</value></summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Per-call timeout for calls not governed by a partner's delivery policy (proofs, live queries). <value>The default value is 30 seconds.</value></summary>
    public TimeSpan PartnerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>User for the Hangfire dashboard from other hosts; without it the dashboard answers loopback only.</summary>
    public string? DashboardUser { get; init; }

    /// <summary>Password for <see cref="DashboardUser"/>.</summary>
    public string? DashboardPassword { get; init; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Checks every field and reports all problems at once.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (NodeId is not { Length: 2 } || !NodeId.All(char.IsAsciiLetterUpper))
        {
            errors.Add($"nodeId '{NodeId}' must be an ISO 3166-1 alpha-2 code in upper case");
        }

        foreach (var (name, url) in new[] { ("soapUrl", SoapUrl), ("grpcUrl", GrpcUrl) })
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"{name} '{url}' must be an absolute http(s) URL");
            }
            else if ((uri.Scheme == "https") != (Tls is not null))
            {
                errors.Add($"{name} '{url}' must be {(Tls is null ? "http (no tls section)" : "https (tls is configured)")}");
            }
        }

        if (string.IsNullOrWhiteSpace(ApiKey) || ApiKey.Length < 16)
        {
            errors.Add("apiKey must be at least 16 characters");
        }

        if (MaxMessageBytes is < 1024 or > 256 * 1024 * 1024)
        {
            errors.Add("maxMessageBytes must be between 1 KiB and 256 MiB");
        }

        if (DashboardUser is not null && DashboardPassword is not { Length: >= 12 })
        {
            errors.Add("dashboardPassword must be at least 12 characters when dashboardUser is set");
        }

        return errors;
    }
}
