using System.CommandLine;
using Runnel.Harness.CompareLog;
using Runnel.Harness.ComparePeers;
using Runnel.Harness.Reliability;
using Runnel.Harness.Scenarios.Ceiling;
using Runnel.Harness.Scenarios.Cost;
using Runnel.Harness.Scenarios.HotShard;
using Runnel.Harness.Scenarios.OnDemand;
using Runnel.Harness.Scenarios.Resharding;
using Runnel.Harness.Scenarios.ShardLimits;

namespace Runnel.Harness;

/// <summary>The harness's entry point: <c>dotnet run -c Release --project harness/Runnel.Harness -- compare-log [--quick] [--json FILE]</c>,
/// <c>shard-limits</c>, <c>on-demand</c>, <c>resharding-under-load</c>, <c>hot-shard</c>, <c>cost</c> and the reliability commands (see the README).</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen scenario.</summary>
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Runnel harness: scenarios and comparisons")
        {
            CompareLogCommand.Create(),
            ComparePeersCommand.Create(),
            ShardLimitsCommand.Create(),
            OnDemandCommand.Create(),
            ReshardingCommand.Create(),
            HotShardCommand.Create(),
            CostCommand.Create(),
            ShardScaling.Create(),
            CeilingCommand.Create(),
            // Reliability: process crashes and kernel disk errors (issue 9 items 1 and 4).
            CrashLoopCommand.Create(),
            DiskFaultsCommand.Create(),
            // Reliability: whole-engine power loss and bit rot (issue 9 items 2 and 3).
            PowerLossCommand.Create(),
            BitRotCommand.Create(),
            // Reliability (issue 9): hostile clients and soak, with their server child process.
            HostileCommand.Create(),
            SoakCommand.Create(),
            HostileServeCommand.Create(),
            Suite.SuiteCommand.Create(), // every benchmark and scenario, one run directory (issue 7)
        };
        return root.Parse(args).InvokeAsync();
    }
}
