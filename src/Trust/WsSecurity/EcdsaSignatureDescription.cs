using System.Security.Cryptography;

namespace N2N.Trust.WsSecurity;

/// <summary>
/// XMLDSig ECDSA (RFC 4051) for SignedXml, which ships none. Public only because CryptoConfig requires it. XMLDSig encodes the signature as r||s,
/// which is .NET's default (IEEE P1363) for ECDsa.SignHash/VerifyHash, so no DER conversion is needed.
/// </summary>
public abstract class EcdsaSignatureDescription : SignatureDescription
{
    private readonly HashAlgorithmName _hash;

    protected EcdsaSignatureDescription(HashAlgorithmName hash)
    {
        _hash = hash;
        KeyAlgorithm = typeof(ECDsa).AssemblyQualifiedName;
    }

    public override HashAlgorithm CreateDigest() => _hash.Name switch
    {
        "SHA384" => SHA384.Create(),
        "SHA512" => SHA512.Create(),
        _ => SHA256.Create(),
    };

    public override AsymmetricSignatureFormatter CreateFormatter(AsymmetricAlgorithm key) => new Formatter((ECDsa)key);

    public override AsymmetricSignatureDeformatter CreateDeformatter(AsymmetricAlgorithm key) => new Deformatter((ECDsa)key);

    private static readonly Lazy<bool> s_registered = new(() =>
    {
        CryptoConfig.AddAlgorithm(typeof(Sha256), WsNames.EcdsaSha256);
        CryptoConfig.AddAlgorithm(typeof(Sha384), WsNames.EcdsaSha384);
        CryptoConfig.AddAlgorithm(typeof(Sha512), WsNames.EcdsaSha512);
        return true;
    });

    /// <summary>Registers the ECDSA signature methods with CryptoConfig, once per process.</summary>
    public static void EnsureRegistered() => _ = s_registered.Value;

    /// <summary>ecdsa-sha256.</summary>
    public sealed class Sha256() : EcdsaSignatureDescription(HashAlgorithmName.SHA256);

    /// <summary>ecdsa-sha384.</summary>
    public sealed class Sha384() : EcdsaSignatureDescription(HashAlgorithmName.SHA384);

    /// <summary>ecdsa-sha512.</summary>
    public sealed class Sha512() : EcdsaSignatureDescription(HashAlgorithmName.SHA512);

    private sealed class Formatter(ECDsa key) : AsymmetricSignatureFormatter
    {
        private ECDsa _key = key;

        public override void SetKey(AsymmetricAlgorithm key) => _key = (ECDsa)key;

        public override void SetHashAlgorithm(string strName)
        {
        }

        public override byte[] CreateSignature(byte[] rgbHash) => _key.SignHash(rgbHash);
    }

    private sealed class Deformatter(ECDsa key) : AsymmetricSignatureDeformatter
    {
        private ECDsa _key = key;

        public override void SetKey(AsymmetricAlgorithm key) => _key = (ECDsa)key;

        public override void SetHashAlgorithm(string strName)
        {
        }

        public override bool VerifySignature(byte[] rgbHash, byte[] rgbSignature) => _key.VerifyHash(rgbHash, rgbSignature);
    }
}
