using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace N2N.Trust.TrustStore;

/// <summary>A certificate pinned for a partner, with the window in which it may sign (rotation keeps old ones).</summary>
public sealed record PinnedCertificate(X509Certificate2 Certificate, DateTimeOffset ValidFrom, DateTimeOffset ValidTo);

/// <summary>The outcome of matching a presented certificate against a partner's pins.</summary>
public enum PinMatch
{
    /// <summary>Pinned and inside both its trust window and its own validity.</summary>
    Trusted,
    /// <summary>Pinned, but outside its trust window or its own NotBefore/NotAfter.</summary>
    Expired,
    /// <summary>Not pinned for this partner.</summary>
    NotPinned,
}

/// <summary>The trust material pinned for one partner: its signing certificates, old and new.</summary>
public sealed class PartnerTrust(string country, IReadOnlyList<PinnedCertificate> pins)
{
    // Importing a public key from a certificate cost more than the ECDSA check itself, once per message; imported keys
    // are kept per pin and lent to one verification at a time, since the key types do not promise concurrent use.
    private readonly Dictionary<PinnedCertificate, ConcurrentBag<AsymmetricAlgorithm>> _keys =
        pins.ToDictionary<PinnedCertificate, PinnedCertificate, ConcurrentBag<AsymmetricAlgorithm>>(p => p, _ => [], ReferenceEqualityComparer.Instance);

    public string Country { get; } = country;

    public IReadOnlyList<PinnedCertificate> Pins { get; } = pins;

    /// <summary>
    /// Matches DER bytes as presented, exactly: a key taken from the message alone is never trusted, and equal bytes
    /// are the pinned certificate, so nothing needs parsing.
    /// </summary>
    public PinMatch Match(ReadOnlySpan<byte> presentedDer, DateTimeOffset at, out PinnedCertificate? pin)
    {
        pin = null;
        foreach (var candidate in Pins)
        {
            if (candidate.Certificate.RawDataMemory.Span.SequenceEqual(presentedDer))
            {
                pin = candidate;
                break;
            }
        }

        if (pin is null)
        {
            return PinMatch.NotPinned;
        }

        var cert = pin.Certificate;
        var inWindow = at >= pin.ValidFrom && at <= pin.ValidTo;
        var inValidity = at >= cert.NotBefore.ToUniversalTime() && at <= cert.NotAfter.ToUniversalTime();
        return inWindow && inValidity ? PinMatch.Trusted : PinMatch.Expired;
    }

    /// <summary>
    /// The pin that the presented DER bytes are, valid at <paramref name="at"/>; otherwise the reason as a
    /// <see cref="TrustException"/>. <paramref name="source"/> names where the bytes came from, for the message.
    /// </summary>
    public PinnedCertificate Require(ReadOnlySpan<byte> presentedDer, DateTimeOffset at, string source)
    {
        switch (Match(presentedDer, at, out var pin))
        {
            case PinMatch.Trusted:
                return pin!;
            case PinMatch.Expired:
                throw new TrustException(ReasonCodes.CertExpired, $"certificate {pin!.Certificate.Subject} pinned for {Country} is not valid at {Rfc3339.Format(at)}");
        }

        // Parsed only now, to name the certificate for the operator: a pinned one never needs parsing.
        X509Certificate2 presented;
        try
        {
            presented = X509CertificateLoader.LoadCertificate(presentedDer);
        }
        catch (CryptographicException e)
        {
            throw new TrustException(ReasonCodes.Malformed, $"{source} is not a DER certificate: {e.Message}");
        }

        using (presented)
        {
            throw new TrustException(ReasonCodes.UntrustedCert, $"certificate {presented.Subject} ({presented.Thumbprint}) is not pinned for partner {Country}");
        }
    }

    /// <summary>Runs <paramref name="use"/> with the public key of one of this partner's pins (ECDSA or RSA; null for any other kind).</summary>
    public T WithPublicKey<T>(PinnedCertificate pin, Func<AsymmetricAlgorithm?, T> use)
    {
        if (!_keys.TryGetValue(pin, out var pool))
        {
            throw new ArgumentException($"the certificate {pin.Certificate.Subject} is not one of {Country}'s pins", nameof(pin));
        }

        if (!pool.TryTake(out var key))
        {
            key = (AsymmetricAlgorithm?)pin.Certificate.GetECDsaPublicKey() ?? pin.Certificate.GetRSAPublicKey();
            if (key is null)
            {
                return use(null);
            }
        }

        try
        {
            return use(key);
        }
        finally
        {
            pool.Add(key);
        }
    }
}
