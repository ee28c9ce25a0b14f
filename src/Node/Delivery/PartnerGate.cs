using System.Collections.Concurrent;

namespace N2N.Node.Delivery;

/// <summary>
/// Limits deliveries in flight per partner, so a partner that hangs until the timeout holds at most its own share
/// of the workers and the others keep flowing.
/// </summary>
public sealed class PartnerGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public bool TryEnter(string partner, int maxInFlight) => Gate(partner, maxInFlight).Wait(0);

    /// <summary>Waits for a slot (first attempts made in-process queue here, in memory; the outbox row is already durable).</summary>
    public Task EnterAsync(string partner, int maxInFlight, CancellationToken cancellationToken) => Gate(partner, maxInFlight).WaitAsync(cancellationToken);

    private SemaphoreSlim Gate(string partner, int maxInFlight) => _gates.GetOrAdd(partner, _ => new SemaphoreSlim(maxInFlight, maxInFlight));

    public void Exit(string partner) => _gates[partner].Release();
}
