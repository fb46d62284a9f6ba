using System.CommandLine;
using System.Globalization;

namespace Runnel.Harness.ComparePeers;

/// <summary>The <c>compare-peers</c> command line: Runnel against kinesalite and kinesis-mock over the wire (issue 6, item 4).</summary>
public static class ComparePeersCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "about 8 s per workload per target instead of about 30 s" };
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var targets = new Option<string>("--targets")
        {
            Description = "comma-separated targets, from " + string.Join(", ", PeerNames.All),
            DefaultValueFactory = _ => string.Join(',', PeerNames.All),
            HelpName = "LIST",
        };
        var workloads = new Option<string?>("--workloads")
        {
            Description = "comma-separated workloads (default all): " + string.Join(", ", PeerWorkload.All.Select(w => w.Name)),
            HelpName = "LIST",
        };
        var duration = new Option<double?>("--duration") { Description = "seconds of the timed write phase (overrides --quick's and the full run's)", HelpName = "SECONDS" };
        var callers = new Option<int>("--callers") { Description = "concurrent PutRecords callers", DefaultValueFactory = _ => 16 };
        var shards = new Option<int>("--shards") { Description = "shards of each stream", DefaultValueFactory = _ => 4 };
        var serverDll = new Option<string?>("--server-dll") { Description = "the CLI's runnel.dll (default: the Release build in this repository)", HelpName = "PATH" };
        var cache = new Option<string?>("--cache") { Description = "where the peers' npm packages are installed (default ~/.cache/runnel/peers)", HelpName = "DIR" };

        var command = new Command("compare-peers", "Runnel against kinesalite 3.3.3 and kinesis-mock 0.6.2 over HTTP/1.1 JSON: PutRecords load, then read back (issue 6, item 4)")
        {
            quick, json, targets, workloads, duration, callers, shards, serverDll, cache,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            bool isQuick = parse.GetValue(quick);
            if (ParseTargets(parse.GetValue(targets)) is not { } chosen)
            {
                await Console.Error.WriteLineAsync($"--targets: choose from {string.Join(", ", PeerNames.All)}").ConfigureAwait(false);
                return HarnessExitCode.Usage;
            }
            if (ParseWorkloads(parse.GetValue(workloads)) is not { } shapes)
            {
                await Console.Error.WriteLineAsync($"--workloads: choose from {string.Join(", ", PeerWorkload.All.Select(w => w.Name))}").ConfigureAwait(false);
                return HarnessExitCode.Usage;
            }
            var options = new ComparePeersOptions
            {
                Quick = isQuick,
                JsonPath = parse.GetValue(json),
                Targets = chosen,
                Workloads = shapes,
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration) ?? (isQuick ? 8 : 30)),
                Warmup = TimeSpan.FromSeconds(isQuick ? 2 : 3),
                Callers = Math.Max(1, parse.GetValue(callers)),
                Shards = Math.Max(1, parse.GetValue(shards)),
                ServerDll = parse.GetValue(serverDll),
                CacheRoot = parse.GetValue(cache) ?? PeerInstaller.DefaultCacheRoot,
            };
            return await RunAsync(options).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The targets named in <paramref name="text"/> (comma-separated, in <see cref="PeerNames.All"/> order); null when one is unknown or none is given.</summary>
    public static IReadOnlyList<string>? ParseTargets(string? text)
    {
        string[] names = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Any(n => !PeerNames.All.Contains(n)))
        {
            return null;
        }
        return [.. PeerNames.All.Where(names.Contains)];
    }

    /// <summary>The workloads named in <paramref name="text"/> (all when null or empty); null when one is unknown.</summary>
    public static IReadOnlyList<PeerWorkload>? ParseWorkloads(string? text)
    {
        string[] names = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            return PeerWorkload.All;
        }
        if (names.Any(n => !PeerWorkload.All.Any(w => w.Name == n)))
        {
            return null;
        }
        return [.. PeerWorkload.All.Where(w => names.Contains(w.Name))];
    }

    /// <summary>Runs compare-peers, prints the table and the checks, writes the JSON; 1 when a check failed.</summary>
    public static async Task<int> RunAsync(ComparePeersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TextWriter output = Console.Out;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        ComparePeersReport report = await new ComparePeersRun(options, output).RunAsync().ConfigureAwait(false);
        output.WriteLine();
        output.Write(report.ToTable());
        if (options.JsonPath is not null)
        {
            report.WriteJson(options.JsonPath);
            output.WriteLine($"JSON written to {Path.GetFullPath(options.JsonPath)}");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compare-peers took {stopwatch.Elapsed.TotalSeconds:0} s; {(report.Passed ? "PASS" : "FAIL")}"));
        return report.Passed ? HarnessExitCode.Ok : HarnessExitCode.ChecksFailed;
    }
}
