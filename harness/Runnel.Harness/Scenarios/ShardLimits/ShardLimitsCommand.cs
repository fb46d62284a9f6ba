using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>The <c>shard-limits</c> command: one provisioned shard against 0.5x to 3x of its limits, in simulated time (issue 7, item 1).</summary>
public static class ShardLimitsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        Option<string?> outDirectory = RunOptions.Out();
        var seconds = new Option<int>("--seconds") { Description = "seconds per case: simulated (default 60, at least 20), or of wall time with --real-time or --endpoint (default 60, at least 6)", DefaultValueFactory = _ => 60, HelpName = "SECONDS" };
        var realTime = new Option<bool>("--real-time") { Description = "run the put cases at 1.5x on the real clock against the embedded engine" };
        var endpoint = new Option<string?>("--endpoint") { Description = "run the put cases at 1.5x on the real clock against a running server (e.g. runnel serve, limits on)", HelpName = "URL" };
        var command = new Command("shard-limits", "A provisioned shard's 1 MiB/s, 1,000 records/s, 5 GetRecords/s and 2 MiB/s read limits under 0.5x-3x load, in simulated time (or its put limits at 1.5x in real time)")
        {
            json, seconds, realTime, endpoint, outDirectory,
        };
        command.Validators.Add(r =>
        {
            bool wall = r.GetValue(realTime) || r.GetValue(endpoint) is not null;
            int value = r.GetResult(seconds) is { } given ? given.GetValueOrDefault<int>() : 60; // a command validator sees no default
            if (!wall && value < 20)
            {
                r.AddError("--seconds must be at least 20 (the steady-state column starts at 10 s).");
            }
            else if (wall && value < ShardLimitsRealTimeRun.MinimumSeconds)
            {
                r.AddError($"--seconds must be at least {ShardLimitsRealTimeRun.MinimumSeconds} in real time (the steady window starts at {ShardLimitsRealTimeRun.SteadyFromSecond} s).");
            }
            if (r.GetValue(endpoint) is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"))
            {
                r.AddError("--endpoint must be an absolute http:// or https:// URL.");
            }
        });
        command.SetAction(async (parse, cancellation) => parse.GetValue(endpoint) is { } url
            ? await RunRealTimeAsync(new WireShardLimitsTarget(new Uri(url)), parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(outDirectory), cancellation).ConfigureAwait(false)
            : parse.GetValue(realTime)
                ? await RunRealTimeAsync(new EmbeddedShardLimitsTarget(), parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(outDirectory), cancellation).ConfigureAwait(false)
                : await RunAsync(parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(outDirectory)).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs the put cases at 1.5x on the real clock against <paramref name="target"/> (disposed at the end); prints, writes the JSON and the run directory; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails.</summary>
    public static async Task<int> RunRealTimeAsync(IShardLimitsTarget target, int seconds, string? jsonPath, string? outDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using (target.ConfigureAwait(false))
        {
            TextWriter output = Console.Out;
            RunDirectory runDirectory = RunDirectory.Create("shard-limits", outDirectory,
                new Dictionary<string, object?> { ["seconds"] = seconds, ["realTime"] = target.Description, ["json"] = jsonPath });
            var stopwatch = Stopwatch.StartNew();
            IReadOnlyList<ShardLimitsCase> cases = ShardLimitsRealTimeRun.Cases;
            List<ShardLimitsResult> results = await ScenarioProgress.RunAsync(
                string.Create(CultureInfo.InvariantCulture, $"shard-limits in real time against {target.Description}: {cases.Count} put cases at 1.5x, {seconds} s each"),
                async progress =>
                {
                    var run = new ShardLimitsRealTimeRun(target, seconds, progress);
                    var done = new List<ShardLimitsResult>();
                    foreach (ShardLimitsCase scenario in cases)
                    {
                        done.Add(await run.RunAsync(scenario, cancellationToken).ConfigureAwait(false));
                        progress.Report((double)done.Count / cases.Count);
                    }
                    return done;
                }).ConfigureAwait(false);
            var report = new ShardLimitsReport("shard-limits", seconds, 10, results, ScenarioEnvironment.Current(stopwatch.Elapsed)) { RealTimeTarget = target.Description };
            return Finish(output, report, jsonPath, runDirectory, stopwatch);
        }
    }

    /// <summary>Runs every case, prints the table, writes the JSON and the run directory; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails, after printing and writing everything.</summary>
    public static async Task<int> RunAsync(int seconds, string? jsonPath, string? outDirectory = null)
    {
        TextWriter output = Console.Out;
        RunDirectory runDirectory = RunDirectory.Create("shard-limits", outDirectory, new Dictionary<string, object?> { ["seconds"] = seconds, ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        var run = new ShardLimitsRun(seconds);
        IReadOnlyList<ShardLimitsCase> cases = ShardLimitsCase.All;
        List<ShardLimitsResult> results = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"shard-limits: {cases.Count} cases, {seconds} simulated s each"),
            async progress =>
            {
                var done = new List<ShardLimitsResult>();
                foreach (ShardLimitsCase scenario in cases)
                {
                    ShardLimitsResult result = await run.RunAsync(scenario).ConfigureAwait(false);
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario.Name}: accepted {result.Accepted:0.####} {result.Unit} of {result.Offered:0.####} offered, {result.Check.Verdict} ({stopwatch.Elapsed.TotalSeconds:0.0} s)"));
                    done.Add(result);
                    progress.Report((double)done.Count / cases.Count);
                }
                return done;
            }).ConfigureAwait(false);
        var report = new ShardLimitsReport("shard-limits", seconds, 10, results, ScenarioEnvironment.Current(stopwatch.Elapsed));
        return Finish(output, report, jsonPath, runDirectory, stopwatch);
    }

    private static int Finish(TextWriter output, ShardLimitsReport report, string? jsonPath, RunDirectory runDirectory, Stopwatch stopwatch)
    {
        string header = report.RealTimeTarget is { } target
            ? string.Create(CultureInfo.InvariantCulture, $"shard-limits: one provisioned shard, {report.SimulatedSeconds} s of wall time per case against {target}, 10 ms steps")
            : string.Create(CultureInfo.InvariantCulture, $"shard-limits: one provisioned shard, {report.SimulatedSeconds} simulated s per case, 10 ms steps");
        return ScenarioOutput.Finish(output, "shard-limits", $"\n{header}\n\n{report.ToTable()}\n", report.AllPassed, report, jsonPath, runDirectory,
            run => ShardLimitsRunDirectory.Write(run, report), stopwatch.Elapsed);
    }
}
