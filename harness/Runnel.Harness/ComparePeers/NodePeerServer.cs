using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// A Node.js peer (kinesalite or kinesis-mock) in a child process, started on free ports with the configuration its
/// package documents, and ready once a ListStreams call answers 200. Its output is drained into a bounded buffer
/// (shown when it fails to start). Disposing kills it: both peers keep their data in memory here.
/// </summary>
public sealed class NodePeerServer : IPeerServer
{
    private const int KeptOutputChars = 8_000;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodePeerServer(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <inheritdoc/>
    public Uri Endpoint { get; }

    /// <inheritdoc/>
    public int ProcessId => _process.Id;

    /// <summary>What the kinesalite target runs, for the report.</summary>
    public const string KinesaliteDescription = "kinesalite 3.3.3 (npm; in-memory store, the default)";

    /// <summary>What the kinesis-mock target runs, for the report.</summary>
    public const string KinesisMockDescription = "kinesis-mock 0.6.2 (npm kinesis-local; LOG_LEVEL=WARN, no persistence)";

    /// <summary>
    /// kinesalite from its package directory, on 127.0.0.1 only (its CLI listens on every interface, so the harness
    /// calls the module's server factory itself); in memory as its CLI runs without <c>--path</c>.
    /// </summary>
    public static Task<NodePeerServer> StartKinesaliteAsync(string packageDirectory)
    {
        int port = FreePort();
        string module = JsonValue.Create(Path.GetFullPath(packageDirectory))!.ToJsonString();
        string script = $$"""
            var server = require({{module}})({}).listen({{port.ToString(CultureInfo.InvariantCulture)}}, '127.0.0.1', function () {
              console.log('Listening at http://127.0.0.1:' + server.address().port)
            })
            process.stdin.on('end', function () { process.exit(0) }).resume()
            """;
        // A larger heap than Node's default: 30 s of 1 KiB records stay in memdown.
        return StartAsync(["--max-old-space-size=8192", "-e", script], packageDirectory, new Dictionary<string, string>(), port);
    }

    /// <summary>
    /// kinesis-mock's <c>main.js</c> from its package directory (where its <c>server.json</c> certificate is), with
    /// KINESIS_MOCK_PLAIN_PORT and KINESIS_MOCK_TLS_PORT on free ports. It listens on every interface (it has no host
    /// setting); only its loopback address is used. Logging at WARN: at its default INFO it logs every request.
    /// </summary>
    public static Task<NodePeerServer> StartKinesisMockAsync(string packageDirectory)
    {
        int plain = FreePort();
        int tls = FreePort(plain);
        var environment = new Dictionary<string, string>
        {
            ["KINESIS_MOCK_PLAIN_PORT"] = plain.ToString(CultureInfo.InvariantCulture),
            ["KINESIS_MOCK_TLS_PORT"] = tls.ToString(CultureInfo.InvariantCulture),
            ["KINESIS_MOCK_CERT_PATH"] = Path.Combine(Path.GetFullPath(packageDirectory), "server.json"),
            ["LOG_LEVEL"] = "WARN",
            ["SHOULD_PERSIST_DATA"] = "false",
        };
        return StartAsync(["--max-old-space-size=8192", "main.js"], packageDirectory, environment, plain);
    }

    /// <summary>Kills the process and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // already gone, or stuck in the kernel: nothing more to do from here
        }
        _process.Dispose();
    }

    private static async Task<NodePeerServer> StartAsync(IReadOnlyList<string> arguments, string directory, Dictionary<string, string> environment, int port)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }
        Process process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var server = new NodePeerServer(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitAnsweringAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < KeptOutputChars)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString().Trim();
        }
    }

    private async Task WaitAnsweringAsync(TimeSpan timeout)
    {
        using var client = new PeerKinesisClient(Endpoint, 1);
        var stopwatch = Stopwatch.StartNew();
        string last = "no answer";
        while (stopwatch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"exited with code {_process.ExitCode} before answering: {Output()}");
            }
            PeerReply reply = await client.CallAsync("ListStreams", new JsonObject(), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            if (reply.Ok)
            {
                return;
            }
            last = reply.Error ?? "HTTP " + reply.Status;
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"did not answer ListStreams within {timeout.TotalSeconds:0} s ({last}): {Output()}");
    }

    private static int FreePort(int besides = 0)
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port != besides)
            {
                return port;
            }
        }
    }
}
