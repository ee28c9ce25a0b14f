using System.Security.Cryptography;
using N2N.Trust.Keys;

namespace N2N.Node.Configuration;

/// <summary>Creates a node's data folder: keys, certificate, node.json and the public profile.json.</summary>
public static class NodeSetup
{
    /// <summary>Dev certificates live two years: long enough for a pilot, short enough not to become production keys.</summary>
    private static readonly TimeSpan DevCertificateLifetime = TimeSpan.FromDays(730);

    public static NodeConfig Initialize(DataFolder folder, string nodeId, string soapUrl, string grpcUrl, KeyKind keyKind, DateTimeOffset now, bool force = false, bool tls = false)
    {
        if (folder.IsInitialized && !force)
        {
            throw new ConfigurationException($"{folder.ConfigFile} already exists; pass --force to replace this node's keys and configuration");
        }

        var config = new NodeConfig
        {
            NodeId = nodeId.ToUpperInvariant(),
            SoapUrl = soapUrl.TrimEnd('/'),
            GrpcUrl = grpcUrl.TrimEnd('/'),
            ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            Tls = tls ? new TlsSettings { CertificateFile = "keys/tls.crt.pem", KeyFile = "keys/tls.key.pem" } : null,
        };
        var errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", errors));
        }

        Directory.CreateDirectory(folder.Root);
        KeyFiles.GenerateDevKey(config.NodeId, keyKind, folder.Resolve(config.CertificateFile), folder.Resolve(config.KeyFile!), now, DevCertificateLifetime);
        if (config.Tls is { } settings)
        {
            KeyFiles.GenerateDevTlsCertificate(config.NodeId, folder.Resolve(settings.CertificateFile), folder.Resolve(settings.KeyFile!), now, DevCertificateLifetime);
        }

        folder.SaveConfig(config);
        ExportProfile(folder, config);
        return config;
    }

    /// <summary>
    /// Replaces our signing key: the new key signs from now on; the old certificate stays in profile.json, trusted for
    /// signatures made until now + <paramref name="overlap"/>, so messages in flight and old log entries still verify.
    /// </summary>
    public static NodeProfile RotateKeys(DataFolder folder, NodeConfig config, DateTimeOffset now, TimeSpan overlap)
    {
        if (config.KeyFile is null || !config.CertificateFile.EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException("keys rotate generates PEM keys; for keys issued by your PKI, install the new files, point node.json at them and add the new certificate to profile.json");
        }

        var profile = folder.LoadOwnProfile();
        var (certPath, keyPath) = (folder.Resolve(config.CertificateFile), folder.Resolve(config.KeyFile));
        KeyKind kind;
        using (var current = KeyFiles.Load(certPath, keyPath))
        {
            kind = current.IsEcdsa ? KeyKind.EcdsaP256 : KeyKind.Rsa3072;
        }

        var retired = Path.Combine(folder.Root, "keys", "retired");
        Directory.CreateDirectory(retired);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        File.Move(certPath, Path.Combine(retired, $"{stamp}.crt.pem"));
        // The old private key is not kept: it must never sign again.
        File.Delete(keyPath);
        KeyFiles.GenerateDevKey(config.NodeId, kind, certPath, keyPath, now, DevCertificateLifetime);

        using var fresh = KeyFiles.Load(certPath, keyPath);
        var rotated = profile with
        {
            Certificates =
            [
                .. profile.Certificates.Select(c => c.ValidTo > now + overlap ? c with { ValidTo = now + overlap } : c),
                new CertificateEntry { Pem = fresh.Certificate.ExportCertificatePem(), ValidFrom = now, ValidTo = fresh.Certificate.NotAfter.ToUniversalTime() },
            ],
        };
        DataFolder.WriteJson(folder.ProfileFile, rotated);
        return rotated;
    }

    /// <summary>Our TLS credential (server certificate, and client certificate towards partners).</summary>
    public static NodeCredential LoadTls(DataFolder folder, TlsSettings tls) =>
        KeyFiles.Load(folder.Resolve(tls.CertificateFile), tls.KeyFile is null ? null : folder.Resolve(tls.KeyFile), tls.KeyPassword);

    /// <summary>Writes profile.json: what a partner imports to pin our certificate and reach our endpoints.</summary>
    public static NodeProfile ExportProfile(DataFolder folder, NodeConfig config)
    {
        using var credential = KeyFiles.Load(folder.Resolve(config.CertificateFile), config.KeyFile is null ? null : folder.Resolve(config.KeyFile), config.KeyPassword);
        var cert = credential.Certificate;
        var profile = new NodeProfile
        {
            Country = config.NodeId,
            Endpoints = new Endpoints { Soap = config.SoapUrl, Grpc = config.GrpcUrl },
            TlsCertificate = config.Tls is { } tls ? LoadTls(folder, tls).Certificate.ExportCertificatePem() : null,
            Certificates =
            [
                new CertificateEntry { Pem = cert.ExportCertificatePem(), ValidFrom = cert.NotBefore.ToUniversalTime(), ValidTo = cert.NotAfter.ToUniversalTime() },
            ],
        };
        DataFolder.WriteJson(folder.ProfileFile, profile);
        return profile;
    }
}
