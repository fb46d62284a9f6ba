using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.Resharding;

/// <summary>The <c>resharding-under-load</c> command (issue 7): splits, merges and shard-count updates while producers and consumers run.</summary>
public static class ReshardingCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        Option<string?> outDirectory = RunOptions.Out();
        var seconds = new Option<int>("--seconds") { Description = "simulated seconds of production", DefaultValueFactory = _ => 120, HelpName = "SECONDS" };
        var seed = new Option<int>("--seed") { Description = "seed of the resharding choices", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "runs with consecutive seeds", DefaultValueFactory = _ => 1 };
        seconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 15)
            {
                r.AddError("--seconds must be at least 15.");
            }
        });
        var command = new Command("resharding-under-load", "Splits, merges and UpdateShardCount while producers and consumers run, in simulated time: nothing acknowledged lost, per-key order kept")
        {
            json, seconds, seed, runs, outDirectory,
        };
        command.SetAction(async (parse, cancellation) =>
            await RunAsync(parse.GetValue(seconds), parse.GetValue(seed), parse.GetValue(runs), parse.GetValue(json), parse.GetValue(outDirectory)).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs the scenario; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails (a lost or reordered record is a bug, not a measurement).</summary>
    public static async Task<int> RunAsync(int seconds, int seed, int runs, string? jsonPath, string? outDirectory = null)
    {
        TextWriter output = Console.Out;
        RunDirectory runDirectory = RunDirectory.Create("resharding", outDirectory,
            new Dictionary<string, object?> { ["seconds"] = seconds, ["seed"] = seed, ["runs"] = runs, ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        int count = Math.Max(1, runs);
        List<ReshardingResult> results = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"resharding-under-load: {count} run(s) of {seconds} simulated s"),
            async progress =>
            {
                var done = new List<ReshardingResult>();
                for (int i = 0; i < count; i++)
                {
                    ReshardingResult result = await new ReshardingRun(new ReshardingOptions(Seconds: seconds, Seed: seed + i)).RunAsync().ConfigureAwait(false);
                    done.Add(result);
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"resharding-under-load seed {seed + i}: {seconds} simulated s, {result.Counts.RecordsAcknowledged} acknowledged, {result.Counts.Splits + result.Counts.Merges + result.Counts.ShardCountUpdates} reshards, {(result.AllPassed ? "PASS" : "FAIL")} ({stopwatch.Elapsed.TotalSeconds:0.0} s)"));
                    progress.Report((i + 1.0) / count);
                }
                return done;
            }).ConfigureAwait(false);
        bool passed = results.All(r => r.AllPassed);
        var document = new { scenario = "resharding-under-load", runs = results, environment = ScenarioEnvironment.Current(stopwatch.Elapsed) };
        return ScenarioOutput.Finish(output, "resharding-under-load", string.Concat(results.Select(r => $"\n{r.ToTable()}\n")), passed, document, jsonPath, runDirectory,
            run => ReshardingRunDirectory.Write(run, results, document), stopwatch.Elapsed);
    }
}
