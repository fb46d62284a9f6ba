using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>Writes a <c>shard-limits</c> run directory: the report's JSON, one offered-vs-accepted chart per case, summary.md.</summary>
public static class ShardLimitsRunDirectory
{
    /// <summary>Writes <paramref name="report"/> into <paramref name="run"/>.</summary>
    public static void Write(RunDirectory run, ShardLimitsReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        run.WriteJson("shard-limits.json", report);
        var summary = new RunSummary()
            .Text(string.Create(CultureInfo.InvariantCulture, $"One provisioned shard, {Clock(report)}, {report.StepMilliseconds} ms steps. {(report.AllPassed ? "All checks PASS." : "Some checks FAIL.")}"))
            .Text(report.ToTable())
            .Heading("Offered vs accepted, second by second");
        foreach (ShardLimitsResult result in report.Cases)
        {
            if (result.Series is not { } series)
            {
                continue;
            }
            string chart = $"{result.Case}.svg";
            Charts.Lines(run.Chart(chart), $"{result.Case}: offered vs accepted ({result.BindingLimit})", report.RealTimeTarget is null ? "simulated second" : "second", result.Unit,
            [
                ChartSeries.Evenly("offered (new demand)", series.Offered),
                ChartSeries.Evenly("attempted (with retries)", series.Attempted),
                ChartSeries.Evenly("accepted", series.Accepted),
                ChartSeries.Evenly("limit", [.. series.Offered.Select(_ => result.Limit)]) with { Dashed = true },
            ]);
            summary.Image($"{result.Case}: offered vs accepted", $"{RunDirectory.ChartsFolder}/{chart}");
        }
        run.WriteSummary(summary);
    }

    private static string Clock(ShardLimitsReport report) => report.RealTimeTarget is { } target
        ? string.Create(CultureInfo.InvariantCulture, $"{report.SimulatedSeconds} s of wall time per case against {target}")
        : string.Create(CultureInfo.InvariantCulture, $"{report.SimulatedSeconds} simulated s per case");
}
