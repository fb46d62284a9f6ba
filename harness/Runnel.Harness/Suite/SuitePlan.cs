namespace Runnel.Harness.Suite;

/// <summary>
/// What <c>suite</c> runs, from its flags, before anything runs: the capacity scenarios first (seconds each, and the
/// issue's acceptance checks), then ceiling, compare-log and compare-peers when this harness has them, then the
/// BenchmarkDotNet micro-benchmarks. <c>--quick</c> picks each part's quick settings and a deadline for the whole
/// (<see cref="QuickDeadline"/>); every part has a wall-time budget past which it is killed and reported as timed out.
/// </summary>
public static class SuitePlan
{
    /// <summary>Parts another change adds to the harness; each runs when the harness has its subcommand.</summary>
    public static IReadOnlyList<string> OptionalCommands { get; } = ["compare-peers", "ceiling"];

    /// <summary>
    /// The quick suite's deadline, from the command's start (<see cref="SuiteClock"/>: <c>dotnet run</c>'s build of the
    /// harness counts): a part still running then is killed, parts not started are skipped. The limit is 10
    /// minutes on a fresh clone; the rest is for the kill and the summary.
    /// </summary>
    public static TimeSpan QuickDeadline { get; } = TimeSpan.FromMinutes(9.5);

    /// <summary>
    /// The benchmarks the quick suite runs: the hot path of a put (ring append, framing, partition-key hashing against
    /// its MD5 baseline, PutRecords on the wire), 18 cases. The full suite runs every benchmark.
    /// </summary>
    public static IReadOnlyList<string> QuickBenchmarks { get; } =
    [
        "*RingAppendBenchmarks*", "*FrameBenchmarks*", "*PartitionKeyHashBenchmarks.Md5HashData*", "*PartitionKeyHashBenchmarks.HashUtf8*",
        "*PutRecordsWireBenchmarks*",
    ];

    /// <summary>
    /// The quick benchmarks' job: ShortRun (3 warm-up and 3 measured iterations) of 250 ms iterations, in the harness's
    /// process (<c>--inProcess</c>: no generated project to build, which took 45 s on a quiet machine and over 2 minutes
    /// loaded, and no process per case). Differences under ~15 % are noise (perf-results/README.md); the full suite
    /// runs the default job, a process per case.
    /// </summary>
    public static IReadOnlyList<string> QuickBenchmarkJob { get; } = ["--job", "short", "--iterationTime", "250", "--inProcess"];

    /// <summary>The deadline of the whole suite; null for none (the full suite: each part still has its budget).</summary>
    public static TimeSpan? Deadline(bool quick) => quick ? QuickDeadline : null;

    /// <summary>The parts, in running order; paths point into <paramref name="runDirectory"/>/&lt;part&gt;/.</summary>
    /// <param name="quick">Quick settings.</param>
    /// <param name="runDirectory">The suite's run directory.</param>
    /// <param name="available">Which of <see cref="OptionalCommands"/> the harness has, with the options each takes (from its --help).</param>
    public static IReadOnlyList<SuitePart> Create(bool quick, string runDirectory, IReadOnlyDictionary<string, IReadOnlySet<string>> available)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(available);
        string In(string part, string file = "") => Path.Combine(runDirectory, part, file).TrimEnd(Path.DirectorySeparatorChar);
        TimeSpan Budget(double quickSeconds, double fullMinutes) => quick ? TimeSpan.FromSeconds(quickSeconds) : TimeSpan.FromMinutes(fullMinutes);
        var parts = new List<SuitePart>
        {
            // shard-limits keeps its 60 s per case in quick mode: at 20 s the 1-second initial burst is over the 2 % tolerance (7 s of wall time).
            new("shard-limits", SuiteProgram.Harness, ["shard-limits", "--out", In("shard-limits")], Budget(90, 10)),
            new("hot-shard", SuiteProgram.Harness, ["hot-shard", "--minutes", quick ? "20" : "60", "--out", In("hot-shard")], Budget(60, 10)),
            new("resharding-under-load", SuiteProgram.Harness, quick
                ? ["resharding-under-load", "--seconds", "30", "--out", In("resharding-under-load")]
                : ["resharding-under-load", "--seconds", "120", "--runs", "3", "--out", In("resharding-under-load")], Budget(60, 10)),
            // on-demand's shortest run is one simulated day, and its high-rate hours alone take about 6 minutes of wall
            // time on 2 cores (shortening them breaks its checks: 40 MiB/s needs 33 minutes to be absorbed), so the
            // quick suite runs only its mode switches (about 15 s).
            new("on-demand", SuiteProgram.Harness, quick
                ? ["on-demand", "--mode-switch-only", "--out", In("on-demand")]
                : ["on-demand", "--days", "1", "--out", In("on-demand")], Budget(120, 30)),
            new("cost", SuiteProgram.Harness, ["cost", "--json", In("cost", "cost.json")], Budget(30, 5)),
        };
        if (OptionalCommands.Any(available.ContainsKey))
        {
            // compare-peers and ceiling's HTTP mode start `runnel serve` from the CLI's Release build, which a fresh clone lacks.
            parts.Add(new SuitePart("build-cli", SuiteProgram.Build, ["engine/Runnel.Cli", "--nologo", "-v", "quiet"], Budget(180, 15)));
        }
        // ceiling: about 55 s quick; compare-log --quick: 5 cases x 2 engines for --duration seconds each, plus fio
        // (about 60 s at 5 s); compare-peers: 2 workloads x its targets (npm installs the peers once, into ~/.cache).
        AddOptional(parts, quick, "ceiling", available, [], In, Budget(150, 45));
        parts.Add(new SuitePart("compare-log", SuiteProgram.Harness, quick
            ? ["compare-log", "--quick", "--duration", "5", "--json", In("compare-log", "compare-log.json")]
            : ["compare-log", "--json", In("compare-log", "compare-log.json")], Budget(150, 30)));
        // kinesis-mock is left out of the quick run: its checks are reported only (the targets compare Runnel with
        // kinesalite), and at about 300 records/s it took longer than Runnel and kinesalite together (over 150 s at load 15).
        AddOptional(parts, quick, "compare-peers", available, [("--duration", "5"), ("--targets", "runnel,kinesalite")], In, Budget(150, 30));
        parts.Add(new SuitePart("benchmarks", SuiteProgram.Benchmarks, quick
            ? ["--filter", .. QuickBenchmarks, .. QuickBenchmarkJob, "--artifacts", In("benchmarks")]
            : ["--filter", "*", "--artifacts", In("benchmarks")], Budget(180, 120)));
        return parts;
    }

    /// <summary>
    /// Adds a command another change brought, when the harness has it: <c>--quick</c> when asked for and the command
    /// has it; in quick mode each of <paramref name="quickOptions"/> the command has; <c>--out DIR</c> when it has it,
    /// else <c>--json FILE</c> when it has that.
    /// </summary>
    private static void AddOptional(List<SuitePart> parts, bool quick, string command, IReadOnlyDictionary<string, IReadOnlySet<string>> available,
        IReadOnlyList<(string Option, string Value)> quickOptions, Func<string, string, string> path, TimeSpan budget)
    {
        if (!available.TryGetValue(command, out IReadOnlySet<string>? options))
        {
            return;
        }
        List<string> arguments = [command];
        if (quick && options.Contains("--quick"))
        {
            arguments.Add("--quick");
        }
        foreach ((string option, string value) in quickOptions)
        {
            if (quick && options.Contains(option))
            {
                arguments.AddRange([option, value]);
            }
        }
        if (options.Contains("--out"))
        {
            arguments.AddRange(["--out", path(command, "")]);
        }
        else if (options.Contains("--json"))
        {
            arguments.AddRange(["--json", path(command, command + ".json")]);
        }
        parts.Add(new SuitePart(command, SuiteProgram.Harness, arguments, budget, Optional: true));
    }
}
