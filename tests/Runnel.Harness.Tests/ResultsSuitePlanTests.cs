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

        Assert.Equal(["shard-limits", "hot-shard", "resharding-under-load", "on-demand", "cost", "compare-log", "benchmarks"], plan.Select(p => p.Name));
        Assert.Equal(SuiteProgram.Benchmarks, plan[^1].Program);
        Assert.Equal(["--filter", .. SuitePlan.QuickBenchmarks, "--job", "short", "--iterationTime", "250", "--inProcess", "--artifacts", Path.Combine(_run, "benchmarks")], plan[^1].Arguments);
        Assert.Equal(["compare-log", "--quick", "--duration", "5", "--json", Path.Combine(_run, "compare-log", "compare-log.json")], Part(plan, "compare-log").Arguments);
        Assert.Equal(["hot-shard", "--minutes", "20", "--out", Path.Combine(_run, "hot-shard")], Part(plan, "hot-shard").Arguments);
        Assert.Equal(["resharding-under-load", "--seconds", "30", "--out", Path.Combine(_run, "resharding-under-load")], Part(plan, "resharding-under-load").Arguments);
        Assert.Equal(["on-demand", "--mode-switch-only", "--out", Path.Combine(_run, "on-demand")], Part(plan, "on-demand").Arguments);
        Assert.All(plan, p => Assert.Null(p.SkippedBecause));
    }

    [Fact]
    public void Create_Full_UsesDefaultJobsAndLongerRuns()
    {
        IReadOnlyList<SuitePart> plan = SuitePlan.Create(quick: false, _run, s_none);

        Assert.Equal(["--filter", "*", "--artifacts", Path.Combine(_run, "benchmarks")], Part(plan, "benchmarks").Arguments);
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
        Assert.Equal(plan.Count(p => p.Program != SuiteProgram.Build), paths.Count);
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
        Assert.Equal(["shard-limits", "hot-shard", "resharding-under-load", "on-demand", "cost", "build-cli", "ceiling", "compare-log", "compare-peers", "benchmarks"], quick.Select(p => p.Name));
        Assert.Equal("dotnet build -c Release engine/Runnel.Cli --nologo -v quiet", Part(quick, "build-cli").CommandLine);
        Assert.Equal(["ceiling", "--quick", "--out", Path.Combine(_run, "ceiling")], Part(quick, "ceiling").Arguments);
        Assert.Equal(["ceiling", "--out", Path.Combine(_run, "ceiling")], Part(full, "ceiling").Arguments);
        Assert.True(Part(quick, "ceiling").Optional);
    }

    [Fact]
    public void Create_OptionalCommandsAbsent_LeavesThemOut()
        => Assert.DoesNotContain(SuitePlan.Create(quick: true, _run, s_none), p => SuitePlan.OptionalCommands.Contains(p.Name));

    [Fact]
    public void CommandLine_BenchmarksPart_IsWhatAUserTypes()
        => Assert.Equal("dotnet run -c Release --project harness/Runnel.Benchmarks -- --filter '*' --job short --iterationTime 250 --inProcess --artifacts /r/benchmarks",
            SuitePlan.Create(quick: true, "/r", s_none)[^1].CommandLine.Replace(string.Join(' ', SuitePlan.QuickBenchmarks.Select(b => $"'{b}'")), "'*'", StringComparison.Ordinal));

    [Fact]
    public void Create_Quick_EveryBudgetFitsTheDeadlineAndTheFullRunHasNone()
    {
        var available = new Dictionary<string, IReadOnlySet<string>>
        {
            ["compare-peers"] = new HashSet<string> { "--quick", "--json", "--duration", "--targets" },
            ["ceiling"] = new HashSet<string> { "--quick", "--out" },
        };

        IReadOnlyList<SuitePart> quick = SuitePlan.Create(quick: true, _run, available);

        Assert.All(quick, p => Assert.InRange(p.Budget, TimeSpan.FromSeconds(10), SuitePlan.QuickDeadline));
        Assert.True(SuitePlan.QuickDeadline < TimeSpan.FromMinutes(10), "the fresh clone's limit is 10 minutes in all, dotnet run's build included");
        Assert.Equal(["compare-peers", "--quick", "--duration", "5", "--targets", "runnel,kinesalite", "--json", Path.Combine(_run, "compare-peers", "compare-peers.json")], Part(quick, "compare-peers").Arguments);
        Assert.Equal(["compare-peers", "--json", Path.Combine(_run, "compare-peers", "compare-peers.json")], Part(SuitePlan.Create(quick: false, _run, available), "compare-peers").Arguments);
        Assert.Null(SuitePlan.Deadline(quick: false));
    }

    [Fact]
    public void Checks_ScenarioJson_CountsPassedOfAll()
    {
        Directory.CreateDirectory(_run);
        File.WriteAllText(Path.Combine(_run, "x.json"), """{"checks":[{"rule":"a","passed":true},{"rule":"b","passed":false}],"cases":[{"check":{"rule":"c","passed":true}}]}""");
        File.WriteAllText(Path.Combine(_run, "env.json"), """{"rule":"not a check","passed":false}""");

        Assert.Equal(new SuiteCheckTally(2, 3), SuiteFigures.Checks(_run));
        Assert.Equal("2 of 3 PASS", SuiteFigures.Checks(_run).ToString());
        Assert.Equal("", SuiteFigures.Checks(Path.Combine(_run, "missing")).ToString());
    }

    [Fact]
    public void Checks_CompareLogAndComparePeersJson_CountTargetsAndGatingChecks()
    {
        Directory.CreateDirectory(_run);
        File.WriteAllText(Path.Combine(_run, "compare-log.json"), """
            {"cases":[{"name":"a","verdict":"FAIL","targets":[{"target":"ratio >= 2.5","verdict":"FAIL"},{"target":"fio","verdict":"N/A"}]},
                      {"name":"b","verdict":"PASS","targets":[{"target":"p99","verdict":"PASS"}]}]}
            """);
        File.WriteAllText(Path.Combine(_run, "compare-peers.json"), """
            {"checks":[{"check":"read back","verdict":"PASS","gates":true},{"check":"peer read back","verdict":"FAIL","gates":false},
                       {"check":"20x","verdict":"FAIL","gates":true}],"passed":false}
            """);

        Assert.Equal(new SuiteCheckTally(2, 4), SuiteFigures.Checks(_run));
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

    [Fact]
    public void KeyFigure_ComparePeersJson_NamesEachWorkloadsWriteRates()
    {
        Directory.CreateDirectory(_run);
        File.WriteAllText(Path.Combine(_run, "compare-peers.json"), """
            {"workloads":[{"name":"putrecords-500x1k","targets":[{"name":"runnel","write_records_s":95713},{"name":"kinesalite","write_records_s":10094}]}]}
            """);

        Assert.Equal("putrecords-500x1k: runnel 95,713 vs kinesalite 10,094 records/s written", SuiteFigures.KeyFigure("compare-peers", _run));
    }

    private static SuitePart Part(IReadOnlyList<SuitePart> plan, string name) => plan.Single(p => p.Name == name);
}
