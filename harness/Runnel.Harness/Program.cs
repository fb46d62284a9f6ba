using System.CommandLine;
using Runnel.Harness.CompareLog;
using Runnel.Harness.Reliability;
using Runnel.Harness.Scenarios.OnDemand;
using Runnel.Harness.Scenarios.ShardLimits;

namespace Runnel.Harness;

/// <summary>The harness's entry point: <c>dotnet run -c Release --project harness/Runnel.Harness -- compare-log [--quick] [--json FILE]</c>,
/// <c>shard-limits [--json FILE] [--seconds 60]</c> and <c>on-demand [--json FILE] [--days N]</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen scenario.</summary>
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Runnel harness: scenarios and comparisons")
        {
            CompareLogCommand.Create(),
            ShardLimitsCommand.Create(),
            OnDemandCommand.Create(),
            // Reliability (issue 9): hostile clients and soak, with their server child process.
            HostileCommand.Create(),
            SoakCommand.Create(),
            HostileServeCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
