using Runnel.Harness.Suite;

namespace Runnel.Harness.Tests;

/// <summary>The suite's plan from its flags, built without running anything; and the figures it reads back from the parts' JSON.</summary>
public sealed class ResultsSuitePlanTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> s_none = new Dictionary<string, IReadOnlySet<string>>();
    private readonly string _run = Path.Combine(Path.GetTempPath(), "runnel-suite-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_run))
        {
            Directory.Delete(_run, recursive: true);
        }
    }

    [Fact]
    public void Create_Quick_RunsEveryPartWithQuickSettings()
    {
        IReadOnlyList<SuitePart> plan = SuitePlan.Create(quick: true, _run, s_none);

        Assert.Equal(["benchmarks", "compare-log", "shard-limits", "hot-shard", "resharding-under-load", "on-demand", "cost"], plan.Select(p => p.Name));
        Assert.Equal(SuiteProgram.Benchmarks, plan[0].Program);
        Assert.Equal(["--filter", "*", "--job", "short", "--artifacts", Path.Combine(_run, "benchmarks")], plan[0].Arguments);
        Assert.Contains("--quick", Part(plan, "compare-log").Arguments);
        Assert.Equal(["hot-shard", "--minutes", "20", "--out", Path.Combine(_run, "hot-shard")], Part(plan, "hot-shard").Arguments);
        Assert.Equal(["resharding-under-load", "--seconds", "30", "--out", Path.Combine(_run, "resharding-under-load")], Part(plan, "resharding-under-load").Arguments);
        Assert.Equal(["on-demand", "--mode-switch-only", "--out", Path.Combine(_run, "on-demand")], Part(plan, "on-demand").Arguments);
        Assert.All(plan, p => Assert.Null(p.SkippedBecause));
    }

    [Fact]
    public void Create_Full_UsesDefaultJobsAndLongerRuns()
    {
        IReadOnlyList<SuitePart> plan = SuitePlan.Create(quick: false, _run, s_none);

        Assert.DoesNotContain("--job", plan[0].Arguments);
        Assert.DoesNotContain("--quick", Part(plan, "compare-log").Arguments);
        Assert.Contains("60", Part(plan, "hot-shard").Arguments);
        Assert.Equal(["resharding-under-load", "--seconds", "120", "--runs", "3", "--out", Path.Combine(_run, "resharding-under-load")], Part(plan, "resharding-under-load").Arguments);
        Assert.All(plan, p => Assert.Null(p.SkippedBecause));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Create_AnyMode_WritesOnlyInsideTheRunDirectory(bool quick)
    {
        IReadOnlyList<SuitePart> plan = SuitePlan.Create(quick, _run, s_none);

        var paths = plan.SelectMany(p => p.Arguments).Where(a => a.StartsWith('/')).ToList();
        Assert.Equal(plan.Count, paths.Count);
        Assert.All(paths, p => Assert.StartsWith(_run + Path.DirectorySeparatorChar, p, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_OptionalCommandsPresent_RunsThemWithTheOptionsTheyHave()
    {
        var available = new Dictionary<string, IReadOnlySet<string>>
        {
            ["compare-peers"] = new HashSet<string> { "--quick", "--json" },
            ["ceiling"] = new HashSet<string> { "--quick", "--out" },
        };

        IReadOnlyList<SuitePart> quick = SuitePlan.Create(quick: true, _run, available);
        IReadOnlyList<SuitePart> full = SuitePlan.Create(quick: false, _run, available);

        Assert.Equal(["compare-peers", "--quick", "--json", Path.Combine(_run, "compare-peers", "compare-peers.json")], Part(quick, "compare-peers").Arguments);
        Assert.Equal(["ceiling", "--quick", "--out", Path.Combine(_run, "ceiling")], Part(quick, "ceiling").Arguments);
        Assert.Equal(["ceiling", "--out", Path.Combine(_run, "ceiling")], Part(full, "ceiling").Arguments);
        Assert.True(Part(quick, "ceiling").Optional);
    }

    [Fact]
    public void Create_OptionalCommandsAbsent_LeavesThemOut()
        => Assert.DoesNotContain(SuitePlan.Create(quick: true, _run, s_none), p => SuitePlan.OptionalCommands.Contains(p.Name));

    [Fact]
    public void CommandLine_BenchmarksPart_IsWhatAUserTypes()
        => Assert.Equal("dotnet run -c Release --project harness/Runnel.Benchmarks -- --filter '*' --job short --artifacts /r/benchmarks",
            SuitePlan.Create(quick: true, "/r", s_none)[0].CommandLine);

    [Fact]
    public void Checks_ScenarioJson_CountsPassedOfAll()
    {
        Directory.CreateDirectory(_run);
        File.WriteAllText(Path.Combine(_run, "x.json"), """{"checks":[{"rule":"a","passed":true},{"rule":"b","passed":false}],"cases":[{"check":{"rule":"c","passed":true}}]}""");
        File.WriteAllText(Path.Combine(_run, "env.json"), """{"rule":"not a check","passed":false}""");

        Assert.Equal("2 of 3 PASS", SuiteFigures.Checks(_run));
        Assert.Equal("", SuiteFigures.Checks(Path.Combine(_run, "missing")));
    }

    [Fact]
    public void CompareLogLatency_Percentiles_BecomeCdfSeriesInMilliseconds()
    {
        Directory.CreateDirectory(_run);
        File.WriteAllText(Path.Combine(_run, "compare-log.json"), """
            {"cases":[{"name":"append-1k-group",
              "runnel_detail":{"latency_samples":10,"p50_us":1000,"p99_us":2000,"p999_us":3000},
              "fasterlog_detail":{"latency_samples":0,"p50_us":0,"p99_us":0,"p999_us":0}}]}
            """);

        var series = SuiteFigures.CompareLogLatency(_run);

        Assert.Equal("Runnel append-1k-group", Assert.Single(series).Name);
        Assert.Equal([1.0, 2.0, 3.0], series[0].X);
        Assert.Equal([0.5, 0.99, 0.999], series[0].Y);
    }

    private static SuitePart Part(IReadOnlyList<SuitePart> plan, string name) => plan.Single(p => p.Name == name);
}
