using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Runnel.Harness.Reliability;

/// <summary>
/// The <c>power-loss</c> command (issue 9, item 2): runs <see cref="PowerLossScenario"/> for many seeds, in parallel,
/// and prints every failing seed (replayable with <c>--start SEED --seeds 1</c>). Exit code 1 when any seed failed.
/// </summary>
public static class PowerLossCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seeds = SeedsOption(100_000);
        var start = StartOption();
        var command = new Command("power-loss", "Whole-engine power loss on a simulated disk: random workload, random power cuts, restart, check against the acknowledged model")
        {
            seeds, start,
        };
        command.SetAction(parse => RunSeeds("power-loss", parse.GetValue(start), parse.GetValue(seeds), seed =>
        {
            PowerLossScenario.SeedOutcome outcome = PowerLossScenario.Run(seed);
            var tags = new List<string>();
            if (outcome.CutsInCatalog > 0)
            {
                tags.Add("seeds with a cut inside a catalog replace");
            }
            if (outcome.CutsInLog > 0)
            {
                tags.Add("seeds with a cut inside a shard log operation");
            }
            if (outcome.CutsInRecovery > 0)
            {
                tags.Add("seeds with a cut inside recovery");
            }
            return new SeedReport(outcome.Failure, outcome.Acknowledged, string.Join(';', tags));
        }));
        return command;
    }

    /// <summary>The <c>--seeds N</c> option.</summary>
    internal static Option<int> SeedsOption(int defaultValue)
    {
        var seeds = new Option<int>("--seeds") { Description = "how many seeds to run", DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        seeds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--seeds must be at least 1.");
            }
        });
        return seeds;
    }

    /// <summary>The <c>--start S</c> option.</summary>
    internal static Option<int> StartOption()
        => new("--start") { Description = "the first seed (default 0)", DefaultValueFactory = _ => 0, HelpName = "S" };

    /// <summary>Runs seeds start..start+count-1 on every core; prints progress, the figures and every failure.</summary>
    internal static int RunSeeds(string name, int start, int count, Func<int, SeedReport> run)
    {
        TextWriter output = Console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: seeds {start}..{(long)start + count - 1} on {Environment.ProcessorCount} cores"));
        var stopwatch = Stopwatch.StartNew();
        var failures = new ConcurrentBag<(int Seed, string Failure)>();
        var kinds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long acknowledged = 0;
        int done = 0;
        int step = Math.Max(1, count / 10);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            int seed = (int)((start + (long)i) % int.MaxValue);
            SeedReport report;
            try
            {
                report = run(seed);
            }
            catch (Exception e)
            {
                report = new SeedReport($"{e.GetType().Name}: {e.Message}", 0, "harness error");
            }
            Interlocked.Add(ref acknowledged, report.Acknowledged);
            foreach (string kind in report.Kind.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                kinds.AddOrUpdate(kind, 1, static (_, n) => n + 1);
            }
            if (report.Failure is not null)
            {
                failures.Add((seed, report.Failure));
                lock (output)
                {
                    output.WriteLine($"  FAIL seed {seed}: {report.Failure}");
                }
            }
            int finished = Interlocked.Increment(ref done);
            if (finished % step == 0)
            {
                lock (output)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {finished} seeds, {failures.Count} failed, {stopwatch.Elapsed.TotalSeconds:0.0} s"));
                }
            }
        });
        stopwatch.Stop();
        foreach ((string kind, int n) in kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n,8} {kind}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {count} seeds, {failures.Count} failed, {acknowledged} acknowledged records checked, {stopwatch.Elapsed.TotalSeconds:0.0} s ({count / stopwatch.Elapsed.TotalSeconds:0} seeds/s)"));
        foreach ((int seed, string failure) in failures.OrderBy(f => f.Seed).Take(50))
        {
            output.WriteLine($"  seed {seed}: {failure}");
        }
        return failures.IsEmpty ? 0 : 1;
    }

    /// <summary>One seed's result for <see cref="RunSeeds"/>: its failure (or null), acknowledged records and ';'-separated tags to tally.</summary>
    internal sealed record SeedReport(string? Failure, int Acknowledged, string Kind);
}
