namespace Runnel.Harness.Suite;

/// <summary>
/// What <c>suite</c> runs, from its flags, before anything runs: the BenchmarkDotNet micro-benchmarks, compare-log,
/// compare-peers and ceiling when this harness has them, and every capacity scenario; <c>--quick</c> picks each part's
/// quick settings (the whole under 10 minutes on 2 cores).
/// </summary>
public static class SuitePlan
{
    /// <summary>Parts another change adds to the harness; each runs when the harness has its subcommand.</summary>
    public static IReadOnlyList<string> OptionalCommands { get; } = ["compare-peers", "ceiling"];

    /// <summary>The parts, in running order; paths point into <paramref name="runDirectory"/>/&lt;part&gt;/.</summary>
    /// <param name="quick">Quick settings.</param>
    /// <param name="runDirectory">The suite's run directory.</param>
    /// <param name="available">Which of <see cref="OptionalCommands"/> the harness has, with the options each takes (from its --help).</param>
    public static IReadOnlyList<SuitePart> Create(bool quick, string runDirectory, IReadOnlyDictionary<string, IReadOnlySet<string>> available)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(available);
        string In(string part, string file = "") => Path.Combine(runDirectory, part, file).TrimEnd(Path.DirectorySeparatorChar);
        var parts = new List<SuitePart>
        {
            // ShortRun (3 iterations) in quick mode: differences under ~15 % are noise (perf-results/README.md).
            new("benchmarks", SuiteProgram.Benchmarks, quick
                ? ["--filter", "*", "--job", "short", "--artifacts", In("benchmarks")]
                : ["--filter", "*", "--artifacts", In("benchmarks")]),
            new("compare-log", SuiteProgram.Harness, quick
                ? ["compare-log", "--quick", "--json", In("compare-log", "compare-log.json")]
                : ["compare-log", "--json", In("compare-log", "compare-log.json")]),
        };
        foreach (string optional in OptionalCommands.Where(available.ContainsKey))
        {
            // The hook for commands other changes add: --quick when asked for and the command has it; --out DIR when it has
            // it, else --json FILE when it has that.
            IReadOnlySet<string> options = available[optional];
            List<string> arguments = [optional];
            if (quick && options.Contains("--quick"))
            {
                arguments.Add("--quick");
            }
            if (options.Contains("--out"))
            {
                arguments.AddRange(["--out", In(optional)]);
            }
            else if (options.Contains("--json"))
            {
                arguments.AddRange(["--json", In(optional, optional + ".json")]);
            }
            parts.Add(new SuitePart(optional, SuiteProgram.Harness, arguments, Optional: true));
        }
        parts.AddRange(
        [
            // shard-limits keeps its 60 s per case in quick mode: at 20 s the 1-second initial burst is over the 2 % tolerance (7 s of wall time).
            new("shard-limits", SuiteProgram.Harness, ["shard-limits", "--out", In("shard-limits")]),
            new("hot-shard", SuiteProgram.Harness, ["hot-shard", "--minutes", quick ? "20" : "60", "--out", In("hot-shard")]),
            new("resharding-under-load", SuiteProgram.Harness, quick
                ? ["resharding-under-load", "--seconds", "30", "--out", In("resharding-under-load")]
                : ["resharding-under-load", "--seconds", "120", "--runs", "3", "--out", In("resharding-under-load")]),
            // on-demand's shortest run is one simulated day, and its high-rate hours alone take about 6 minutes of wall
            // time on 2 cores (shortening them breaks its checks: 40 MiB/s needs 33 minutes to be absorbed), so the
            // quick suite runs only its mode switches (about 25 s) to stay under 10 minutes.
            new("on-demand", SuiteProgram.Harness, quick
                ? ["on-demand", "--mode-switch-only", "--out", In("on-demand")]
                : ["on-demand", "--days", "1", "--out", In("on-demand")]),
            new("cost", SuiteProgram.Harness, ["cost", "--json", In("cost", "cost.json")]),
        ]);
        return parts;
    }
}
