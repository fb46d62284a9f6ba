using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.Resharding;

/// <summary>Writes a <c>resharding-under-load</c> run directory: the JSON, open shards over time per seed, summary.md.</summary>
public static class ReshardingRunDirectory
{
    /// <summary>Writes <paramref name="results"/> (one per seed) and <paramref name="json"/> (the --json document) into <paramref name="run"/>.</summary>
    public static void Write(RunDirectory run, IReadOnlyList<ReshardingResult> results, object json)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(results);
        run.WriteJson("resharding.json", json);
        var shards = results.Select(r => new ChartSeries(Invariant($"open shards, seed {r.Options.Seed}"), [.. r.Timeline.Select(p => p.Seconds)], [.. r.Timeline.Select(p => (double)p.OpenShards)]) { Step = true }).ToList();
        Charts.Lines(run.Chart("shards.svg"), "resharding-under-load: open shards over time (a point per resharding call)", "simulated second", "open shards", shards);
        var acknowledged = results.Select(r => new ChartSeries(Invariant($"acknowledged, seed {r.Options.Seed}"), [.. r.Timeline.Select(p => p.Seconds)], [.. r.Timeline.Select(p => (double)p.Acknowledged)])).ToList();
        Charts.Lines(run.Chart("acknowledged.svg"), "resharding-under-load: records acknowledged", "simulated second", "records", acknowledged);
        var summary = new RunSummary()
            .Text(results.All(r => r.AllPassed) ? "All checks PASS." : "Some checks FAIL.")
            .Image("open shards over time", $"{RunDirectory.ChartsFolder}/shards.svg")
            .Image("records acknowledged", $"{RunDirectory.ChartsFolder}/acknowledged.svg");
        foreach (ReshardingResult result in results)
        {
            summary.Heading(Invariant($"Seed {result.Options.Seed}: {result.Options.Seconds} simulated s of production, {result.SimulatedSeconds:0.#} s with the drain"))
                .Text(result.ToTable());
        }
        run.WriteSummary(summary);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
