namespace N2N.Trust;

/// <summary>The freshness window every binding applies to a signed message's time.</summary>
public static class Freshness
{
    /// <summary>Allowed clock difference between nodes. <value>The default value is 5 minutes.</value></summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Refuses a message signed outside now ± skew, or whose signed expiry has passed.</summary>
    /// <exception cref="TrustException">STALE_TIMESTAMP.</exception>
    public static void Check(DateTimeOffset signedAt, DateTimeOffset? expires, DateTimeOffset now)
    {
        if (signedAt > now + ClockSkew)
        {
            throw new TrustException(ReasonCodes.StaleTimestamp, $"signed at {Rfc3339.Format(signedAt)}, in the future (now {Rfc3339.Format(now)})");
        }

        if (signedAt < now - ClockSkew)
        {
            throw new TrustException(ReasonCodes.StaleTimestamp, $"signed at {Rfc3339.Format(signedAt)}, more than {ClockSkew.TotalMinutes:0} minutes ago (now {Rfc3339.Format(now)})");
        }

        if (expires is { } e && (e <= signedAt || e < now - ClockSkew))
        {
            throw new TrustException(ReasonCodes.StaleTimestamp, $"expired at {Rfc3339.Format(e)} (now {Rfc3339.Format(now)})");
        }
    }

}
