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
        run.WriteSummary(summary);
    }

    private static List<ChartSeries> Throughput(IReadOnlyList<OnDemandMinute> minutes, double[] x) =>
    [
        new("offered", x, [.. minutes.Select(m => m.Offered)]),
        new("accepted", x, [.. minutes.Select(m => m.Accepted)]),
        new("2x-peak capacity", x, [.. minutes.Select(m => m.ImpliedCapacity)]) { Dashed = true, Step = true },
        new("shard capacity", x, [.. minutes.Select(m => m.ShardCapacity)]) { Dashed = true, Step = true },
    ];
}
