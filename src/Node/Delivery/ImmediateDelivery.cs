using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace N2N.Node.Delivery;

/// <summary>
/// Runs the first attempt of each new outbox message in the background of this process (see
/// <see cref="DeliveryJob.DeliverNowAsync"/>), and on shutdown cancels and awaits those still in flight.
/// </summary>
public sealed class ImmediateDelivery(IServiceProvider services) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Task> _running = new();

    /// <summary>Starts the first attempt; the message must already be committed to the outbox.</summary>
    public void Start(Guid messageId)
    {
        if (_stopping.IsCancellationRequested)
        {
            return; // shutting down: the start-up sweep of the next run sends it
        }

        // Registered before it starts, so its own clean-up can never run first and leave it behind.
        var attempt = new Task<Task>(() => RunAsync(messageId));
        _running[messageId] = attempt.Unwrap();
        attempt.Start(TaskScheduler.Default);
    }

    private async Task RunAsync(Guid messageId)
    {
        try
        {
            await services.GetRequiredService<DeliveryJob>().DeliverNowAsync(messageId, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped mid-attempt: the message stays unfinished in the outbox and the next start-up resumes it.
        }
        finally
        {
            _running.TryRemove(messageId, out _);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
