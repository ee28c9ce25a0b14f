using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Hosting;

namespace N2N.Node.Delivery;

/// <summary>
/// Runs the Hangfire server of this node on its own storage. Storage, client and server are per host, not
/// Hangfire's process-wide globals, so several nodes can share one process (the multi-node tests do).
/// </summary>
internal sealed class DeliveryWorker(JobStorage storage, IServiceScopeFactory scopes) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    public static JobStorage CreateStorage(string databasePath) => new SQLiteStorage(databasePath, new SQLiteStorageOptions
    {
        // A queued delivery should start within a fraction of a second, not Hangfire's default poll interval.
        QueuePollInterval = TimeSpan.FromMilliseconds(200),
    });

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(scopes),
            // Deliveries wait on partners, not on the CPU; the per-partner gate keeps one slow partner to its share.
            WorkerCount = Math.Max(8, Environment.ProcessorCount * 4),
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            ServerName = $"n2n-{Environment.ProcessId}-{Guid.NewGuid():N}",
        }, storage);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            _server.SendStop();
            await _server.WaitForShutdownAsync(cancellationToken);
        }
    }

    public void Dispose() => _server?.Dispose();
}
