using Runnel.Harness.Reliability;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// <c>runnel serve --limits off</c> from the Release build of the CLI, in a child process over a fresh temporary data
/// directory (started and stopped by <see cref="CrashLoopServer"/>, as the reliability scenarios do). Durable as
/// shipped: every acknowledged record was fsynced.
/// </summary>
public sealed class RunnelPeerServer : IPeerServer
{
    private readonly CrashLoopServer _server;
    private readonly string _dataDirectory;

    private RunnelPeerServer(CrashLoopServer server, string dataDirectory)
    {
        _server = server;
        _dataDirectory = dataDirectory;
    }

    /// <inheritdoc/>
    public Uri Endpoint => _server.Endpoint;

    /// <inheritdoc/>
    public int ProcessId => _server.Pid;

    /// <summary>What runs, for the report.</summary>
    public static string Describe(string serverDll) => $"runnel serve --limits off ({Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(serverDll)))} build)";

    /// <summary>Starts the server on a free loopback port and waits until <c>/health</c> answers.</summary>
    public static async Task<RunnelPeerServer> StartAsync(string serverDll, string dataRoot)
    {
        string data = Path.Combine(dataRoot, "runnel-peers-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        try
        {
            // Tiered PGO back on (the crash loop turns it off for a faster start): this run measures peak speed.
            var environment = new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "1" };
            CrashLoopServer server = await CrashLoopServer.StartAsync(serverDll, data, ["--limits", "off"], null, environment, null,
                TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return new RunnelPeerServer(server, data);
        }
        catch
        {
            DeleteQuietly(data);
            throw;
        }
    }

    /// <summary>Stops the server (SIGTERM, then SIGKILL after 15 s) and deletes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        _server.Dispose();
        DeleteQuietly(_dataDirectory);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
