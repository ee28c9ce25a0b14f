using System.Collections.Frozen;
using System.Text.Json;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;

namespace N2N.Node.Configuration;

/// <summary>A loaded partner: its profile and the trust material parsed from it.</summary>
public sealed record Partner(PartnerProfile Profile, PartnerTrust Trust, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> TlsPins)
{
    public string Country => Profile.Country;

    /// <summary>True when <paramref name="certificate"/> is, byte for byte, one of the partner's pinned TLS certificates.</summary>
    public bool IsPinnedTls(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate) =>
        certificate is not null && TlsPins.Any(p => p.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span));
}

/// <summary>The partners of this node, loaded from <c>DIR/partners/</c>.</summary>
public sealed class PartnerDirectory
{
    private readonly FrozenDictionary<string, Partner> _partners;

    public PartnerDirectory(IEnumerable<PartnerProfile> profiles)
    {
        _partners = profiles.ToFrozenDictionary(p => p.Country.ToUpperInvariant(), ToPartner, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<Partner> All => _partners.Values;

    public Partner? Find(string country) => _partners.GetValueOrDefault(country);

    /// <summary>Reads every profile in the folder; one bad file fails start-up with its name.</summary>
    public static PartnerDirectory Load(DataFolder folder)
    {
        var profiles = new List<PartnerProfile>();
        if (Directory.Exists(folder.PartnersDirectory))
        {
            foreach (var file in Directory.GetFiles(folder.PartnersDirectory, "*.json").Order(StringComparer.Ordinal))
            {
                profiles.Add(ReadProfile(file));
            }
        }

        return new PartnerDirectory(profiles);
    }

    /// <summary>Imports a partner's exported profile, completing it with the shipped bilateral agreement.</summary>
    public static PartnerProfile Import(DataFolder folder, NodeConfig config, string profileFile)
    {
        NodeProfile? exported;
        try
        {
            exported = JsonSerializer.Deserialize<NodeProfile>(File.ReadAllText(profileFile), NodeConfig.Json);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new ConfigurationException($"{profileFile}: {e.Message}");
        }

        if (exported is null || exported.Certificates is not { Count: > 0 })
        {
            throw new ConfigurationException($"{profileFile}: a profile needs a country, endpoints and at least one certificate");
        }

        if (string.Equals(exported.Country, config.NodeId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException($"{profileFile} is this node's own profile ({config.NodeId})");
        }

        foreach (var cert in exported.Certificates)
        {
            try
            {
                using var _ = KeyFiles.ReadCertificate(cert.Pem);
            }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new ConfigurationException($"{profileFile}: a certificate is not valid PEM: {e.Message}");
            }
        }

        var agreement = ReferenceAgreement.Find(ReferenceAgreement.LoadShipped(), config.NodeId, exported.Country);
        var documents = exported.Documents ?? agreement?.Documents
            ?? throw new ConfigurationException($"no bilateral agreement between {config.NodeId} and {exported.Country} is shipped in partners/, and {profileFile} names no documents");
        var profile = new PartnerProfile
        {
            Country = exported.Country.ToUpperInvariant(),
            Transport = exported.Transport ?? agreement?.Transport ?? TransportKind.Soap,
            Endpoints = exported.Endpoints,
            Certificates = exported.Certificates,
            Documents = documents,
            TlsCertificates = exported.TlsCertificate is null ? [] : [exported.TlsCertificate],
        };
        DataFolder.WriteJson(Path.Combine(folder.PartnersDirectory, profile.Country.ToLowerInvariant() + ".json"), profile);
        return profile;
    }

    /// <summary>
    /// Pins a partner's new certificate from now on; its current ones stay trusted for signatures made until
    /// now + <paramref name="overlap"/>, and stay in the history so old messages still verify as of their time.
    /// </summary>
    public static PartnerProfile Rotate(DataFolder folder, string country, string certificatePem, DateTimeOffset now, TimeSpan overlap)
    {
        var file = ProfileFile(folder, country);

        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        try
        {
            certificate = KeyFiles.ReadCertificate(certificatePem);
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"not a PEM certificate: {e.Message}");
        }

        using (certificate)
        {
            var profile = ReadProfile(file);
            if (profile.Certificates.Any(c => KeyFiles.ReadCertificate(c.Pem).RawData.AsSpan().SequenceEqual(certificate.RawData)))
            {
                throw new ConfigurationException($"that certificate is already pinned for {country}");
            }

            var rotated = profile with
            {
                Certificates =
                [
                    .. profile.Certificates.Select(c => c.ValidTo > now + overlap ? c with { ValidTo = now + overlap } : c),
                    new CertificateEntry { Pem = certificate.ExportCertificatePem(), ValidFrom = now, ValidTo = certificate.NotAfter.ToUniversalTime() },
                ],
            };
            DataFolder.WriteJson(file, rotated);
            return rotated;
        }
    }

    /// <summary>Rewrites an imported partner's profile, which the node reads at its next start (a benchmark's or a test's own policy).</summary>
    public static PartnerProfile Edit(DataFolder folder, string country, Func<PartnerProfile, PartnerProfile> edit)
    {
        var file = ProfileFile(folder, country);
        var edited = edit(ReadProfile(file));
        DataFolder.WriteJson(file, edited);
        return edited;
    }

    private static string ProfileFile(DataFolder folder, string country)
    {
        var file = Path.Combine(folder.PartnersDirectory, country.ToLowerInvariant() + ".json");
        return File.Exists(file) ? file : throw new ConfigurationException($"no partner '{country}' is configured");
    }

    private static PartnerProfile ReadProfile(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<PartnerProfile>(File.ReadAllText(file), NodeConfig.Json)
                ?? throw new ConfigurationException($"{file} is empty");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{file}: {e.Message}");
        }
    }

    private static Partner ToPartner(PartnerProfile profile) =>
        new(profile, new PartnerTrust(
            profile.Country.ToUpperInvariant(),
            profile.Certificates.Select(c => new PinnedCertificate(KeyFiles.ReadCertificate(c.Pem), c.ValidFrom, c.ValidTo)).ToList()),
            [.. profile.TlsCertificates.Select(KeyFiles.ReadCertificate)]);
}
