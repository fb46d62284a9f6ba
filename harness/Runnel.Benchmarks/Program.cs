using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Runnel.Benchmarks;

// Pick benchmarks on the command line, e.g.:
//   dotnet run -c Release --project harness/Runnel.Benchmarks -- --filter '*' --job short
//   dotnet run -c Release --project harness/Runnel.Benchmarks -- --anyCategories Framing Hashing
IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, new BenchmarkConfig());

// A non-zero exit code when a benchmark failed or a validator (JIT optimisations, say) refused to run, so scripts notice.
foreach (Summary summary in summaries)
{
    if (summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success))
    {
        return 1;
    }
}
return 0;
