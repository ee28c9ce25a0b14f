using System.Threading.RateLimiting;
using N2N.Node.Configuration;

namespace N2N.Node.Exchange;

/// <summary>
/// A token bucket per partner (System.Threading.RateLimiting, the engine of ASP.NET Core's rate limiter), checked
/// before any parsing or crypto, so a flood costs us almost nothing and one partner's flood never spends another's
/// permits. Unknown senders share one small bucket.
/// </summary>
public sealed class PartnerRateLimiter : IDisposable
{
    private const string Unknown = "-";
    private static readonly RateLimit s_unknown = new() { PermitsPerSecond = 20, Burst = 40 };
    private readonly PartitionedRateLimiter<string> _limiter;

    public PartnerRateLimiter(PartnerDirectory partners)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        {
            var limit = key == Unknown ? s_unknown : partners.Find(key)?.Profile.Inbound ?? s_unknown;
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = limit.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Takes one permit for this (claimed) partner; false when its bucket is empty.</summary>
    public bool TryAcquire(string? partner)
    {
        var key = partner is { Length: 2 } p && p.All(char.IsAsciiLetter) ? p.ToUpperInvariant() : Unknown;
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
