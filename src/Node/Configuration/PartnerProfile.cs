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

/// <summary>A node's public profile (<c>profile.json</c>), which partners import.</summary>
public sealed record NodeProfile
{
    public required string Country { get; init; }

    public required Endpoints Endpoints { get; init; }

    public required IReadOnlyList<CertificateEntry> Certificates { get; init; }

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
