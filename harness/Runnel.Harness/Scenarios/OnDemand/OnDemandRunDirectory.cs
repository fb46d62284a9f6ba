using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>Writes an <c>on-demand</c> run directory: the report's JSON, offered vs accepted with the two capacities, open shards over time, the spike up close, summary.md.</summary>
public static class OnDemandRunDirectory
{
    /// <summary>Writes <paramref name="report"/> and the minute-by-minute <paramref name="result"/> into <paramref name="run"/>.</summary>
    public static void Write(RunDirectory run, OnDemandReport report, OnDemandResult result)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        run.WriteJson("on-demand.json", report);
        IReadOnlyList<OnDemandMinute> minutes = result.Minutes;
        double[] hours = [.. minutes.Select(m => m.Minute / 60.0)];
        Charts.Lines(run.Chart("throughput.svg"), "on-demand: offered vs accepted, minute averages", "simulated hour", "MiB/s", Throughput(minutes, hours));
        Charts.Lines(run.Chart("shards.svg"), "on-demand: open shards", "simulated hour", "open shards",
            [new ChartSeries("open shards", hours, [.. minutes.Select(m => (double)m.OpenShards)]) { Step = true }]);
        var spike = report.SpikeMinutes.ToList();
        Charts.Lines(run.Chart("spike.svg"), "on-demand: the spike, minute by minute", "simulated minute", "MiB/s",
            Throughput(spike, [.. spike.Select(m => (double)m.Minute)]));
        var summary = new RunSummary()
            .Text(string.Create(CultureInfo.InvariantCulture, $"An ON_DEMAND stream, {report.Days} simulated day(s), {report.StepSeconds} s steps, maintenance every simulated minute. {(report.AllPassed ? "All checks PASS." : "Some checks FAIL.")}"))
            .Image("offered vs accepted", $"{RunDirectory.ChartsFolder}/throughput.svg")
            .Image("open shards", $"{RunDirectory.ChartsFolder}/shards.svg")
            .Image("the spike", $"{RunDirectory.ChartsFolder}/spike.svg")
            .Text(report.ToTable());
        run.WriteSummary(ModeSwitch(summary, run, report.ModeSwitch));
    }

    private static List<ChartSeries> Throughput(IReadOnlyList<OnDemandMinute> minutes, double[] x) =>
    [
        new("offered", x, [.. minutes.Select(m => m.Offered)]),
        new("accepted", x, [.. minutes.Select(m => m.Accepted)]),
        new("2x-peak capacity", x, [.. minutes.Select(m => m.ImpliedCapacity)]) { Dashed = true, Step = true },
        new("shard capacity", x, [.. minutes.Select(m => m.ShardCapacity)]) { Dashed = true, Step = true },
    ];

    /// <summary>Writes a run of the mode switches alone: <c>mode-switch.json</c>, their charts and summary.md.</summary>
    public static void WriteModeSwitch(RunDirectory run, ModeSwitchReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        run.WriteJson("mode-switch.json", report);
        run.WriteSummary(ModeSwitch(new RunSummary(), run, report));
    }

    /// <summary>Draws the mode-switch charts (offered, accepted and both capacities per traffic minute; open shards and the mode) and adds them and the tables to <paramref name="summary"/>.</summary>
    private static RunSummary ModeSwitch(RunSummary summary, RunDirectory run, ModeSwitchReport report)
    {
        IReadOnlyList<ModeSwitchMinute> minutes = report.Minutes;
        // Traffic minutes only, one after another: the 22-hour idle stretch would flatten the chart.
        double[] x = [.. Enumerable.Range(0, minutes.Count).Select(i => (double)i)];
        Charts.Lines(run.Chart("mode-switch.svg"), "on-demand: mode switches, offered vs accepted (traffic minutes)", "traffic minute", "MiB/s",
        [
            new ChartSeries("offered", x, [.. minutes.Select(m => m.Offered)]),
            new ChartSeries("accepted", x, [.. minutes.Select(m => m.Accepted)]),
            new ChartSeries("shard capacity", x, [.. minutes.Select(m => m.ShardCapacity)]) { Dashed = true, Step = true },
            new ChartSeries("ON_DEMAND 2x-peak capacity (0 while PROVISIONED)", x, [.. minutes.Select(m => m.OnDemandCapacity ?? 0)]) { Dashed = true, Step = true },
        ]);
        Charts.Lines(run.Chart("mode-switch-shards.svg"), "on-demand: mode switches, open shards and the mode", "traffic minute", "count",
        [
            new ChartSeries("open shards", x, [.. minutes.Select(m => (double)m.OpenShards)]) { Step = true },
            new ChartSeries("ON_DEMAND (1) or PROVISIONED (0)", x, [.. minutes.Select(m => m.Mode == "ON_DEMAND" ? 1.0 : 0.0)]) { Step = true, Dashed = true },
        ]);
        return summary
            .Heading("Mode switches")
            .Text(string.Create(CultureInfo.InvariantCulture, $"A {ModeSwitchStep.InitialShards}-shard PROVISIONED stream switched between capacity modes with UpdateStreamMode under traffic, in simulated time. {(report.AllPassed ? "All mode-switch checks PASS." : "Some mode-switch checks FAIL.")}"))
            .Image("mode switches: offered vs accepted", $"{RunDirectory.ChartsFolder}/mode-switch.svg")
            .Image("mode switches: open shards", $"{RunDirectory.ChartsFolder}/mode-switch-shards.svg")
            .Text(report.ToTable());
    }
}
