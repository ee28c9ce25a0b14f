using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace N2N.Trust.Keys;

/// <summary>Our signing identity: the certificate partners pin and its private key.</summary>
public sealed class NodeCredential : IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    public NodeCredential(X509Certificate2 certificate)
    {
        Certificate = certificate;
        _ecdsa = certificate.GetECDsaPrivateKey();
        _rsa = _ecdsa is null ? certificate.GetRSAPrivateKey() : null;
        if (_ecdsa is null && _rsa is null)
        {
            throw new TrustException(ReasonCodes.Internal, $"certificate {certificate.Subject} has no ECDSA or RSA private key");
        }

        if (_rsa is { KeySize: < 2048 })
        {
            throw new TrustException(ReasonCodes.WeakAlgorithm, $"RSA key of {_rsa.KeySize} bits: at least 2048 are required");
        }
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The private key, for XMLDSig and COSE signers.</summary>
    public AsymmetricAlgorithm PrivateKey => (AsymmetricAlgorithm?)_ecdsa ?? _rsa!;

    public bool IsEcdsa => _ecdsa is not null;

    /// <summary>Signs arbitrary bytes (tree heads): ECDSA P1363 or RSA-PSS, SHA-256.</summary>
    public byte[] SignData(ReadOnlySpan<byte> data) =>
        _ecdsa is not null
            ? _ecdsa.SignData(data, HashAlgorithmName.SHA256)
            : _rsa!.SignData(data.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    /// <summary>Verifies a <see cref="SignData"/> signature with a certificate's public key.</summary>
    public static bool VerifyData(X509Certificate2 certificate, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var verifier = new DataSignatureVerifier(certificate);
        return verifier.Verify(data, signature);
    }

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
        Certificate.Dispose();
    }
}

/// <summary>Checks <see cref="NodeCredential.SignData"/> signatures against one certificate, importing its key once.</summary>
/// <remarks>Not thread-safe: give each worker its own (audits verify millions of tree heads, and the import costs as much as the check).</remarks>
public sealed class DataSignatureVerifier : IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    public DataSignatureVerifier(X509Certificate2 certificate)
    {
        _ecdsa = certificate.GetECDsaPublicKey();
        _rsa = _ecdsa is null ? certificate.GetRSAPublicKey() : null;
    }

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        _ecdsa is not null
            ? _ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256)
            : _rsa is not null && _rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}
