using System.Collections.Concurrent;

namespace N2N.Node.Delivery;

/// <summary>
/// Limits deliveries in flight per partner, so a partner that hangs until the timeout holds at most its own share
/// of the workers and the others keep flowing.
/// </summary>
public sealed class PartnerGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public bool TryEnter(string partner, int maxInFlight) => _gates.GetOrAdd(partner, _ => new SemaphoreSlim(maxInFlight, maxInFlight)).Wait(0);

    public void Exit(string partner) => _gates[partner].Release();
}
