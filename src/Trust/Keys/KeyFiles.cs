using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace N2N.Trust.Keys;

/// <summary>Which kind of key <c>init</c> generates.</summary>
public enum KeyKind
{
    /// <summary>ECDSA on P-256 (the default).</summary>
    EcdsaP256,
    /// <summary>RSA 3072, for PKIs that only issue RSA.</summary>
    Rsa3072,
}

/// <summary>Key sources: PEM (PKCS#8 key + certificate) or PFX files, and dev keys for <c>init</c>.</summary>
public static class KeyFiles
{
    /// <summary>Loads a signing credential from a PEM pair or, when <paramref name="path"/> ends in .pfx/.p12, a PKCS#12 file.</summary>
    public static NodeCredential Load(string path, string? keyPath = null, string? password = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"certificate file not found: {path}", path);
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            return new NodeCredential(X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet));
        }

        if (keyPath is null || !File.Exists(keyPath))
        {
            throw new FileNotFoundException($"private key file not found: {keyPath}", keyPath);
        }

        using var pem = X509Certificate2.CreateFromPemFile(path, keyPath);
        // Re-load so the key is bound in a form every platform can sign with (ephemeral, no key store).
        return new NodeCredential(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.EphemeralKeySet));
    }

    /// <summary>Reads a public certificate from PEM or DER bytes.</summary>
    public static X509Certificate2 ReadCertificate(string pemOrBase64)
    {
        var text = pemOrBase64.Trim();
        return text.StartsWith("-----BEGIN", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
    }

    /// <summary>
    /// Writes a self-signed dev TLS certificate (ECDSA P-256) for 127.0.0.1 and localhost, usable as server and as
    /// client certificate: partners pin it exactly, so no CA is involved.
    /// </summary>
    public static void GenerateDevTlsCertificate(string nodeId, string certPath, string keyPath, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=N2N Node {nodeId} TLS, O=N2N dev, C={nodeId}"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-10), now.Add(lifetime));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyPath))!);
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(certPath, cert.ExportCertificatePem());
    }

    /// <summary>Writes a new self-signed dev key and certificate as PEM files (key PKCS#8, mode 600 where supported).</summary>
    public static void GenerateDevKey(string nodeId, KeyKind kind, string certPath, string keyPath, DateTimeOffset now, TimeSpan lifetime)
    {
        using AsymmetricAlgorithm key = kind == KeyKind.Rsa3072 ? RSA.Create(3072) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN=N2N Node {nodeId}, O=N2N dev, C={nodeId}");
        var request = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // Back-date a little so a partner whose clock is slightly behind still accepts the certificate.
        using var cert = request.CreateSelfSigned(now.AddMinutes(-10), now.Add(lifetime));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyPath))!);
        var keyPem = key is RSA r ? r.ExportPkcs8PrivateKeyPem() : ((ECDsa)key).ExportPkcs8PrivateKeyPem();
        File.WriteAllText(keyPath, keyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(certPath, cert.ExportCertificatePem());
    }
}
