using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>The <c>on-demand</c> command: an ON_DEMAND stream under a traffic ramp over simulated days (issue 7, item 1).</summary>
public static class OnDemandCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        Option<string?> outDirectory = RunOptions.Out();
        var days = new Option<int>("--days") { Description = "simulated days: 1 and 8 MiB/s fill all but the last 2 h 45 min (40 MiB/s 1 h, 100 MiB/s 1 h, 250 MiB/s spike 30 min, 100 MiB/s 15 min)", DefaultValueFactory = _ => 1, HelpName = "N" };
        days.Validators.Add(r =>
        {
            int value = r.GetValueOrDefault<int>();
            if (value is < 1 or > 29)
            {
                r.AddError("--days must be 1 to 29 (the peak window is 30 days).");
            }
        });
        var switchOnly = new Option<bool>("--mode-switch-only") { Description = "run only the mode switches (PROVISIONED <-> ON_DEMAND through UpdateStreamMode, about 25 simulated hours, seconds of wall time), not the ramp" };
        var command = new Command("on-demand", "An ON_DEMAND stream under a traffic ramp and a spike, and a stream switched between capacity modes, in simulated time: capacity, throttling and shard splits")
        {
            json, days, switchOnly, outDirectory,
        };
        command.SetAction(async (parse, cancellation) => parse.GetValue(switchOnly)
            ? await RunModeSwitchAsync(parse.GetValue(json), parse.GetValue(outDirectory)).ConfigureAwait(false)
            : await RunAsync(parse.GetValue(days), parse.GetValue(json), parse.GetValue(outDirectory)).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs the ramp, prints the tables, writes the JSON and the run directory; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails, after printing and writing everything.</summary>
    public static async Task<int> RunAsync(int days, string? jsonPath, string? outDirectory = null)
    {
        TextWriter output = Console.Out;
        RunDirectory runDirectory = RunDirectory.Create("on-demand", outDirectory, new Dictionary<string, object?> { ["days"] = days, ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<OnDemandPhase> phases = OnDemandPhase.Ramp(days);
        OnDemandResult result = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"on-demand: {days} simulated days, 1 s steps, maintenance every simulated minute"),
            p => new OnDemandRun(phases, p, p).RunAsync()).ConfigureAwait(false);
        ModeSwitchReport modeSwitch = await RunModeSwitchAsync().ConfigureAwait(false);
        OnDemandReport report = OnDemandReport.Create(days, phases, result, modeSwitch, stopwatch.Elapsed);
        return ScenarioOutput.Finish(output, "on-demand", $"\n{report.ToTable()}\n{modeSwitch.ToTable()}\n", report.AllPassed, report, jsonPath, runDirectory,
            run => OnDemandRunDirectory.Write(run, report, result), stopwatch.Elapsed);
    }

    /// <summary>Runs only the mode switches, prints their tables, writes the JSON and the run directory; returns <see cref="HarnessExitCode.ChecksFailed"/> when a check fails.</summary>
    public static async Task<int> RunModeSwitchAsync(string? jsonPath, string? outDirectory = null)
    {
        TextWriter output = Console.Out;
        RunDirectory runDirectory = RunDirectory.Create("on-demand", outDirectory, new Dictionary<string, object?> { ["modeSwitchOnly"] = true, ["json"] = jsonPath });
        var stopwatch = Stopwatch.StartNew();
        ModeSwitchReport report = await RunModeSwitchAsync().ConfigureAwait(false);
        return ScenarioOutput.Finish(output, "on-demand mode switches", $"\n{report.ToTable()}\n", report.AllPassed, report, jsonPath, runDirectory,
            run => OnDemandRunDirectory.WriteModeSwitch(run, report), stopwatch.Elapsed);
    }

    private static async Task<ModeSwitchReport> RunModeSwitchAsync()
    {
        ModeSwitchResult result = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"on-demand mode switches: a {ModeSwitchStep.InitialShards}-shard PROVISIONED stream switched with UpdateStreamMode under traffic, 1 s steps"),
            p => new ModeSwitchRun(ModeSwitchStep.Script, p, p).RunAsync()).ConfigureAwait(false);
        return ModeSwitchReport.Create(result);
    }
}
