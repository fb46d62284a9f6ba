using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Suite;

/// <summary>The suite's top-level summary.md and suite.json: one row per part, the headline charts, compare-log's latency CDF.</summary>
public static class SuiteReport
{
    /// <summary>The headline chart of each part that has one, relative to the part's folder.</summary>
    public static IReadOnlyDictionary<string, string> HeadlineCharts { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["shard-limits"] = "charts/put-bytes-1KiB-3.0x.svg",
        ["on-demand"] = "charts/throughput.svg",
        ["hot-shard"] = "charts/on-demand-offered-heatmap.svg",
        ["resharding-under-load"] = "charts/shards.svg",
    };

    /// <summary>Writes summary.md, suite.json and charts/compare-log-latency.svg into <paramref name="run"/>.</summary>
    /// <param name="run">The suite's run directory.</param>
    /// <param name="quick">Quick mode.</param>
    /// <param name="outcomes">The parts' outcomes.</param>
    /// <param name="wall">The suite's wall time.</param>
    /// <param name="beforeSuite">The command's time before the suite started (dotnet run's build), which counts toward the deadline.</param>
    public static void Write(RunDirectory run, bool quick, IReadOnlyList<SuiteOutcome> outcomes, TimeSpan wall, TimeSpan beforeSuite)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(outcomes);
        TimeSpan? deadline = SuitePlan.Deadline(quick);
        run.WriteJson("suite.json", new { quick, wallSeconds = Math.Round(wall.TotalSeconds, 1), beforeSuiteSeconds = Math.Round(beforeSuite.TotalSeconds, 1), deadlineSeconds = deadline?.TotalSeconds, exitCode = SuiteCommand.ExitCode(outcomes), parts = outcomes });
        var summary = new RunSummary()
            .Text(string.Create(CultureInfo.InvariantCulture,
                $"`suite{(quick ? " --quick" : "")}`: {Tally(outcomes)}; {wall.TotalMinutes:0.0} minutes of wall time, {(wall + beforeSuite).TotalMinutes:0.0} with the {beforeSuite.TotalSeconds:0} s before the suite started (dotnet run's build){(deadline is { } d ? $"; deadline {d.TotalMinutes:0.#} minutes from the command's start" : "")}. Each part ran under a wall-time limit (its budget, cut to what was left before the deadline). Each part's folder holds its console output (console.txt) and its own run directory (summary.md, JSON, charts)."))
            .Text(Table(outcomes, run.Path));
        foreach (SuiteOutcome o in outcomes.Where(o => o.Status is not (SuiteStatus.Ok or SuiteStatus.Skipped)))
        {
            string what = o.Status switch
            {
                SuiteStatus.TargetsNotMet => $"ran to the end, targets not met{(o.Checks.Length > 0 ? $" ({o.Checks})" : "")}, exit code {o.ExitCode}",
                SuiteStatus.TimedOut => string.Create(CultureInfo.InvariantCulture, $"timed out: killed after its {o.LimitSeconds:0} s limit"),
                _ => $"failed with exit code {o.ExitCode}",
            };
            summary.Text($"- **{o.Part}**: {what}; see [{o.Folder}/console.txt]({o.Folder}/console.txt).");
        }
        if (outcomes.Any(o => o.Part == "compare-log"))
        {
            IReadOnlyList<ChartSeries> latency = SuiteFigures.CompareLogLatency(Path.Combine(run.Path, "compare-log"));
            if (latency.Count > 0)
            {
                Charts.Cdf(run.Chart("compare-log-latency.svg"), "compare-log: append latency at p50, p99 and p99.9", "latency, ms (log scale)", latency, logX: true);
                summary.Heading("compare-log latency").Image("compare-log latency CDF", $"{RunDirectory.ChartsFolder}/compare-log-latency.svg");
            }
        }
        foreach (SuiteOutcome o in outcomes)
        {
            if (HeadlineCharts.TryGetValue(o.Part, out string? chart) && File.Exists(Path.Combine(run.Path, o.Folder, chart)))
            {
                summary.Heading(o.Part).Image(o.Part, $"{o.Folder}/{chart}");
            }
        }
        run.WriteSummary(summary);
    }

    /// <summary>The outcomes counted in words: "9 parts: 7 ok, 1 targets not met, 1 timed out".</summary>
    public static string Tally(IReadOnlyList<SuiteOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        IEnumerable<string> counts = Enum.GetValues<SuiteStatus>()
            .Select(s => (Status: s, Count: outcomes.Count(o => o.Status == s)))
            .Where(c => c.Count > 0)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Count} {Words(c.Status)}"));
        return string.Create(CultureInfo.InvariantCulture, $"{outcomes.Count} parts: {string.Join(", ", counts)}");
    }

    private static string Words(SuiteStatus status) => status switch
    {
        SuiteStatus.TargetsNotMet => "targets not met",
        SuiteStatus.TimedOut => "timed out",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The parts as a Markdown table, linking each part's summary.md (in <paramref name="runPath"/>) when it has one.</summary>
    public static string Table(IReadOnlyList<SuiteOutcome> outcomes, string runPath)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return RunSummary.MarkdownTable(["part", "result", ">wall s", "checks", "key figure", "output"],
            outcomes.Select(o => (IReadOnlyList<string>)
            [
                o.Part,
                o.Result,
                o.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture),
                o.Checks,
                o.SkippedBecause ?? o.KeyFigure,
                o.Status == SuiteStatus.Skipped ? "-"
                    : File.Exists(Path.Combine(runPath, o.Folder, "summary.md")) ? $"[{o.Folder}/summary.md]({o.Folder}/summary.md)" : $"[{o.Folder}/]({o.Folder}/)",
            ]));
    }
}
