using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>The <c>hot-shard</c> command (issue 7): skewed keys, per-shard load and throttles, on-demand splitting the hot shard.</summary>
public static class HotShardCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        Option<string?> outDirectory = RunOptions.Out();
        var minutes = new Option<int>("--minutes") { Description = "simulated minutes of the on-demand phase", DefaultValueFactory = _ => 60 };
        var exponent = new Option<double>("--zipf") { Description = "Zipf exponent of the key popularity", DefaultValueFactory = _ => 1.2 };
        var rate = new Option<double>("--mibps") { Description = "offered MiB/s (under the 4 shards' 4 MiB/s)", DefaultValueFactory = _ => 3 };
        var realTime = new Option<bool>("--real-time") { Description = "run the provisioned phase on the real clock against the embedded engine (no on-demand phase)" };
        var seconds = new Option<int>("--seconds") { Description = $"seconds of wall time with --real-time (at least {HotShardRun.RealTimeMinimumSeconds})", DefaultValueFactory = _ => 15, HelpName = "SECONDS" };
        seconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < HotShardRun.RealTimeMinimumSeconds)
            {
                r.AddError($"--seconds must be at least {HotShardRun.RealTimeMinimumSeconds} (the steady window starts at {HotShardRun.RealTimeSteadyFromSecond} s).");
            }
        });
        var command = new Command("hot-shard", "Zipf-skewed partition keys: the hot shard throttled in provisioned mode, split by on-demand, in simulated time (or the provisioned phase in real time)")
        {
            json, minutes, exponent, rate, realTime, seconds, outDirectory,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new HotShardOptions(ZipfExponent: parse.GetValue(exponent), OfferedMiBps: parse.GetValue(rate), OnDemandMinutes: Math.Max(10, parse.GetValue(minutes)));
            return parse.GetValue(realTime)
                ? await RunRealTimeAsync(options, parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(outDirectory), cancellation).ConfigureAwait(false)
                : await RunAsync(options, parse.GetValue(json), parse.GetValue(outDirectory)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs the provisioned phase on the real clock against the embedded engine; prints, writes the JSON and the run directory; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails, after printing and writing everything.</summary>
    public static async Task<int> RunRealTimeAsync(HotShardOptions options, int seconds, string? jsonPath, string? outDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        RunDirectory runDirectory = RunDirectory.Create("hot-shard-real-time", outDirectory,
            new Dictionary<string, object?> { ["options"] = options, ["seconds"] = seconds, ["realTime"] = "embedded engine", ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        HotShardRealTimeReport report = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"hot-shard in real time against the embedded engine: 4 provisioned shards, {seconds} s"),
            p => new HotShardRun(options).RunRealTimeAsync(seconds, p, cancellationToken)).ConfigureAwait(false);
        return ScenarioOutput.Finish(Console.Out, "hot-shard", ToTable(report), report.AllPassed, report, jsonPath, runDirectory,
            run => HotShardRunDirectory.WriteRealTime(run, report), stopwatch.Elapsed);
    }

    /// <summary>Runs the scenario, prints the tables, writes the JSON and the run directory; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails, after printing and writing everything.</summary>
    public static async Task<int> RunAsync(HotShardOptions options, string? jsonPath, string? outDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RunDirectory runDirectory = RunDirectory.Create("hot-shard", outDirectory, new Dictionary<string, object?> { ["options"] = options, ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        HotShardReport report = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"hot-shard: {options.ProvisionedSeconds} simulated s provisioned, {options.OnDemandMinutes} simulated min on-demand"),
            p => new HotShardRun(options).RunAsync(done: p)).ConfigureAwait(false);
        // The tables end with the PASS/FAIL line (summary.md shows them too).
        return ScenarioOutput.Finish(Console.Out, "hot-shard", ToTable(report), report.Checks.All(c => c.Passed), report, jsonPath, runDirectory,
            run => HotShardRunDirectory.Write(run, report), stopwatch.Elapsed, printVerdict: false);
    }

    /// <summary>The report as Markdown tables.</summary>
    public static string ToTable(HotShardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        AppendProvisioned(text, "hot-shard", report.Keys, report.ZipfExponent, report.RecordBytes, report.OfferedMiBps, report.HotKey, report.HotKeyShare,
            Invariant($"{report.ProvisionedSeconds} simulated s"), report.Provisioned);
        text.AppendLine("On-demand (maintenance every simulated minute):");
        text.AppendLine();
        text.AppendLine("| minutes | open shards | offered MiB/s | accepted MiB/s | throttled | hot key throttled |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|");
        foreach (HotShardWindow w in report.OnDemand)
        {
            text.AppendLine(Invariant($"| {w.FromMinute}-{w.ToMinute} | {w.OpenShards} | {w.OfferedMiBps:0.###} | {w.AcceptedMiBps:0.###} | {w.ThrottledFraction:P2} | {w.HotKeyShardThrottledFraction:P2} |"));
        }
        text.AppendLine();
        text.AppendLine("Open shards in the last window:");
        text.AppendLine();
        AppendRows(text, report.OnDemandFinal);
        text.AppendLine();
        AppendChecks(text, report.Checks);
        text.AppendLine(report.Checks.All(c => c.Passed) ? "hot-shard: all checks PASS" : "hot-shard: some checks FAIL");
        return text.ToString();
    }

    /// <summary>A real-time report as a Markdown table and its checks.</summary>
    public static string ToTable(HotShardRealTimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        AppendProvisioned(text, $"hot-shard in real time ({report.Target})", report.Keys, report.ZipfExponent, report.RecordBytes, report.OfferedMiBps, report.HotKey,
            report.HotKeyShare, Invariant($"{report.Seconds} s of wall time"), report.Shards);
        AppendChecks(text, report.Checks);
        return text.ToString();
    }

    /// <summary>The workload's line, then the provisioned phase's table.</summary>
    private static void AppendProvisioned(StringBuilder text, string title, int keys, double zipf, int recordBytes, double offeredMiBps, string hotKey, double hotKeyShare,
        string duration, IReadOnlyList<HotShardRow> rows)
    {
        text.AppendLine(Invariant($"{title}: {keys} keys, Zipf s={zipf}, {ScenarioFormat.Size(recordBytes)} records, {offeredMiBps} MiB/s offered; the hottest key {hotKey} carries {hotKeyShare:P1} of the records"));
        text.AppendLine();
        text.AppendLine($"Provisioned, 4 shards, {duration}:");
        text.AppendLine();
        AppendRows(text, rows);
        text.AppendLine();
    }

    private static void AppendChecks(StringBuilder text, IReadOnlyList<ScenarioCheck> checks)
    {
        foreach (ScenarioCheck check in checks)
        {
            text.AppendLine($"- {check.Verdict} {check.Name}: {check.Rule}: {check.Measured}");
        }
    }

    private static void AppendRows(StringBuilder text, IReadOnlyList<HotShardRow> rows)
    {
        text.AppendLine("| shard | offered MiB/s | accepted MiB/s | throttled records | top keys (share of the shard's bytes) |");
        text.AppendLine("|---|--:|--:|--:|---|");
        foreach (HotShardRow r in rows)
        {
            string keys = string.Join(", ", r.TopKeys.Select(k => Invariant($"{k.Key} {k.Share:P1}")));
            text.AppendLine(Invariant($"| {r.ShardId} | {r.OfferedMiBps:0.###} | {r.AcceptedMiBps:0.###} | {r.ThrottledRecords} | {keys} |"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
