using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Runnel.Harness.Reliability;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// One <c>compare-peers</c> run: installs the peers (once), then for each workload starts each target afresh, drives
/// it with the same <see cref="WorkloadRunner"/>, and stops it. A target that cannot be installed, started or
/// driven is recorded as missing with the reason; the run goes on.
/// </summary>
public sealed class ComparePeersRun(ComparePeersOptions options, TextWriter log)
{
    /// <summary>The npm package and version of each peer.</summary>
    public static IReadOnlyDictionary<string, (string Package, string Version)> Packages { get; } = new Dictionary<string, (string, string)>
    {
        [PeerNames.Kinesalite] = ("kinesalite", "3.3.3"),
        [PeerNames.KinesisMock] = ("kinesis-local", "0.6.2"),
    };

    /// <summary>Runs everything and returns the report.</summary>
    public async Task<ComparePeersReport> RunAsync()
    {
        var machine = new Dictionary<string, string>
        {
            ["started_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["load_at_start"] = LoadAverage(),
        };
        var installed = new Dictionary<string, (string? Directory, string? Failure)>();
        string? serverDll = null;
        string? serverFailure = null;
        foreach (string target in options.Targets)
        {
            if (target == PeerNames.Runnel)
            {
                try
                {
                    serverDll = CrashLoopServer.FindServerDll(options.ServerDll);
                }
                catch (FileNotFoundException e)
                {
                    serverFailure = e.Message;
                }
            }
            else
            {
                (string package, string version) = Packages[target];
                installed[target] = await PeerInstaller.EnsureAsync(options.CacheRoot, package, version, log).ConfigureAwait(false);
            }
        }

        var workloads = new List<WorkloadResult>();
        foreach (PeerWorkload workload in options.Workloads)
        {
            var results = new List<PeerResult>();
            foreach (string target in options.Targets)
            {
                log.WriteLine($"{workload.Name} / {target} ({DateTime.UtcNow:HH:mm:ss}, load {LoadAverage()})");
                string version = target switch
                {
                    PeerNames.Runnel => serverDll is null ? "runnel" : RunnelPeerServer.Describe(serverDll),
                    PeerNames.Kinesalite => NodePeerServer.KinesaliteDescription,
                    _ => NodePeerServer.KinesisMockDescription,
                };
                string? failure = target == PeerNames.Runnel ? serverFailure : installed[target].Failure;
                PeerResult result = failure is not null
                    ? PeerResult.Missing(target, version, failure)
                    : await MeasureAsync(target, version, workload, serverDll, installed.GetValueOrDefault(target).Directory).ConfigureAwait(false);
                if (result.MissingReason is not null)
                {
                    log.WriteLine($"    missing: {result.MissingReason}");
                }
                results.Add(result);
            }
            workloads.Add(new WorkloadResult(workload, results));
        }

        machine["load_at_end"] = LoadAverage();
        machine["finished_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        machine["processors"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        machine["cpu"] = CpuModel();
        machine["os"] = RuntimeInformation.OSDescription;
        machine["runtime"] = RuntimeInformation.FrameworkDescription;
        machine["node"] = await NodeVersionAsync().ConfigureAwait(false);
        return new ComparePeersReport(options, workloads, machine);
    }

    private async Task<PeerResult> MeasureAsync(string target, string version, PeerWorkload workload, string? serverDll, string? packageDirectory)
    {
        IPeerServer server;
        try
        {
            server = target switch
            {
                PeerNames.Runnel => await RunnelPeerServer.StartAsync(serverDll!, options.DataRoot).ConfigureAwait(false),
                PeerNames.Kinesalite => await NodePeerServer.StartKinesaliteAsync(packageDirectory!).ConfigureAwait(false),
                _ => await NodePeerServer.StartKinesisMockAsync(packageDirectory!).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or TimeoutException)
        {
            return PeerResult.Missing(target, version, "did not start: " + e.Message);
        }
        await using (server.ConfigureAwait(false))
        {
            try
            {
                using var client = new PeerKinesisClient(server.Endpoint, options.Callers + options.Shards);
                var runner = new WorkloadRunner(client, options, log);
                string stream = "compare-peers-" + workload.Name;
                PeerMeasurement measurement = await runner.RunAsync(workload, stream, server.ProcessId).ConfigureAwait(false);
                return PeerResult.Measured(target, version, measurement);
            }
            catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
            {
                return PeerResult.Missing(target, version, "failed: " + e.Message);
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        return "unknown";
    }

    private static async Task<string> NodeVersionAsync()
    {
        try
        {
            using Process? node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (node is null)
            {
                return "none";
            }
            string version = await node.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await node.WaitForExitAsync().ConfigureAwait(false);
            return version.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "none";
        }
    }
}
