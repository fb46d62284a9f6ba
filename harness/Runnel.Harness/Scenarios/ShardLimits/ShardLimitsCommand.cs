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
        var seconds = new Option<int>("--seconds") { Description = "simulated seconds per case", DefaultValueFactory = _ => 60, HelpName = "SECONDS" };
        seconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 20)
            {
                r.AddError("--seconds must be at least 20 (the steady-state column starts at 10 s).");
            }
        });
        var command = new Command("shard-limits", "A provisioned shard's 1 MiB/s, 1,000 records/s, 5 GetRecords/s and 2 MiB/s read limits under 0.5x-3x load, in simulated time")
        {
            json, seconds, outDirectory,
        };
        command.SetAction(async (parse, cancellation) => await RunAsync(parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(outDirectory)).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs every case, prints the table, writes the JSON and the run directory; returns 0 (a FAIL is a measurement, printed, not an error).</summary>
    public static async Task<int> RunAsync(int seconds, string? jsonPath, string? outDirectory = null)
    {
        TextWriter output = Console.Out;
        RunDirectory runDirectory = RunDirectory.Create("shard-limits", outDirectory, new Dictionary<string, object?> { ["seconds"] = seconds, ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        var run = new ShardLimitsRun(seconds);
        var results = new List<ShardLimitsResult>();
        foreach (ShardLimitsCase scenario in ShardLimitsCase.All)
        {
            ShardLimitsResult result = await run.RunAsync(scenario).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario.Name}: accepted {result.Accepted:0.####} {result.Unit} of {result.Offered:0.####} offered, {result.Check.Verdict} ({stopwatch.Elapsed.TotalSeconds:0.0} s)"));
            results.Add(result);
        }
        var report = new ShardLimitsReport("shard-limits", seconds, 10, results, ScenarioEnvironment.Current(stopwatch.Elapsed));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shard-limits: one provisioned shard, {seconds} simulated s per case, 10 ms steps"));
        output.WriteLine();
        output.Write(report.ToTable());
        output.WriteLine();
        output.WriteLine(report.AllPassed ? "shard-limits: all checks PASS" : "shard-limits: some checks FAIL");
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, report);
            output.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        ShardLimitsRunDirectory.Write(runDirectory, report);
        RunOptions.Announce(output, runDirectory);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shard-limits took {stopwatch.Elapsed.TotalSeconds:0.0} s of wall time"));
        return 0;
    }
}
