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
    public string Country { get; } = country;

    public IReadOnlyList<PinnedCertificate> Pins { get; } = pins;

    /// <summary>Matches by exact certificate bytes: a key taken from the message alone is never trusted.</summary>
    public PinMatch Match(X509Certificate2 presented, DateTimeOffset at, out PinnedCertificate? pin)
    {
        pin = Pins.FirstOrDefault(p => p.Certificate.RawDataMemory.Span.SequenceEqual(presented.RawDataMemory.Span));
        if (pin is null)
        {
            return PinMatch.NotPinned;
        }

        var cert = pin.Certificate;
        var inWindow = at >= pin.ValidFrom && at <= pin.ValidTo;
        var inValidity = at >= cert.NotBefore.ToUniversalTime() && at <= cert.NotAfter.ToUniversalTime();
        return inWindow && inValidity ? PinMatch.Trusted : PinMatch.Expired;
    }
}
