using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Validators;

namespace Runnel.Benchmarks;

/// <summary>
/// The one config every benchmark runs with (passed to <c>BenchmarkSwitcher</c> in Program.cs): allocations per
/// operation, an operations-per-second column, JSON (full, for compare-runs) and GitHub Markdown reports, and a
/// refusal to run non-optimised (Debug) code.
/// </summary>
/// <remarks>
/// The job length comes from the command line (<c>--job short</c>, the default job otherwise). The GC settings are
/// a job <em>mutator</em>, so they apply to whichever job the command line picks: workstation, non-concurrent GC
/// keeps allocation and pause numbers stable and comparable between machines. A job marked as the default here
/// would silently override <c>--job</c>, so there is none.
/// </remarks>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddLogger(ConsoleLogger.Default);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.OperationsPerSecond);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddAnalyser([.. DefaultConfig.Instance.GetAnalysers()]);
        AddValidator([.. DefaultConfig.Instance.GetValidators()]);
        AddValidator(JitOptimizationsValidator.FailOnError);
        AddExporter(MarkdownExporter.GitHub, JsonExporter.Full);
        AddJob(Job.Default
            .WithGcServer(false)
            .WithGcConcurrent(false)
            .AsMutator());
        WithArtifactsPath(DefaultConfig.Instance.ArtifactsPath);
    }
}
