
namespace Runnel.Server.Hosting;

/// <summary>
/// A host lifetime that does nothing: <see cref="RunnelServer"/>'s owner decides when to stop (the CLI on Ctrl-C and
/// SIGTERM, tests on dispose), so several servers in one process never fight over console signals.
/// </summary>
internal sealed class ExternalLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
