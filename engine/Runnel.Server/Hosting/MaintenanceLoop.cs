using Runnel.Streams;

namespace Runnel.Server.Hosting;

/// <summary>
/// Calls <see cref="StreamEngine.RunMaintenanceAsync"/> on a timer (deleting streams whose delay passed, retention,
/// on-demand scaling). A failed run is logged and the next one goes ahead. Started and stopped by <see cref="RunnelServer"/>.
/// </summary>
internal sealed class MaintenanceLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MaintenanceLoop(StreamEngine engine, TimeSpan interval, TimeProvider time, ILogger logger)
        => _loop = RunAsync(engine, interval, time, logger, _stop.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(StreamEngine engine, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await engine.RunMaintenanceAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A failed pass must not end maintenance; the next tick retries.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    ServerLog.MaintenanceFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
