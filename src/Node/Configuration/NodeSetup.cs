using System.Security.Cryptography;
using N2N.Trust.Keys;

namespace N2N.Node.Configuration;

/// <summary>Creates a node's data folder: keys, certificate, node.json and the public profile.json.</summary>
public static class NodeSetup
{
    /// <summary>Dev certificates live two years: long enough for a pilot, short enough not to become production keys.</summary>
    private static readonly TimeSpan DevCertificateLifetime = TimeSpan.FromDays(730);

    public static NodeConfig Initialize(DataFolder folder, string nodeId, string soapUrl, string grpcUrl, KeyKind keyKind, DateTimeOffset now, bool force = false)
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
        };
        var errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", errors));
        }

        Directory.CreateDirectory(folder.Root);
        KeyFiles.GenerateDevKey(config.NodeId, keyKind, folder.Resolve(config.CertificateFile), folder.Resolve(config.KeyFile!), now, DevCertificateLifetime);
        folder.SaveConfig(config);
        ExportProfile(folder, config);
        return config;
    }

    /// <summary>Writes profile.json: what a partner imports to pin our certificate and reach our endpoints.</summary>
    public static NodeProfile ExportProfile(DataFolder folder, NodeConfig config)
    {
        using var credential = KeyFiles.Load(folder.Resolve(config.CertificateFile), config.KeyFile is null ? null : folder.Resolve(config.KeyFile), config.KeyPassword);
        var cert = credential.Certificate;
        var profile = new NodeProfile
        {
            Country = config.NodeId,
            Endpoints = new Endpoints { Soap = config.SoapUrl, Grpc = config.GrpcUrl },
            Certificates =
            [
                new CertificateEntry { Pem = cert.ExportCertificatePem(), ValidFrom = cert.NotBefore.ToUniversalTime(), ValidTo = cert.NotAfter.ToUniversalTime() },
            ],
        };
        DataFolder.WriteJson(folder.ProfileFile, profile);
        return profile;
    }
}
