using Runnel.Harness.Scenarios.HotShard;

namespace Runnel.Harness.Tests;

/// <summary>The hot-shard scenario: the Zipf sampler's arithmetic, a quick simulated run of both phases, and the shortest real-time run.</summary>
public class HotShardScenarioTests
{
    [Fact]
    public void ZipfKeys_Probabilities_FollowTheLawAndSumToOne()
    {
        var keys = new ZipfKeys(1000, 1.0, seed: 3);
        double harmonic = Enumerable.Range(1, 1000).Sum(i => 1.0 / i);
        Assert.Equal(1 / harmonic, keys.Probability(0), 12);
        Assert.Equal(keys.Probability(0) / 2, keys.Probability(1), 12);
        Assert.Equal(1.0, Enumerable.Range(0, 1000).Sum(keys.Probability), 9);
        Assert.Equal("user-00000", keys.Names[0]);
    }

    [Fact]
    public void ZipfKeys_Draws_MatchTheProbabilitiesWithinSamplingError()
    {
        var keys = new ZipfKeys(100, 1.2, seed: 5);
        int[] counts = new int[100];
        const int Draws = 200_000;
        for (int i = 0; i < Draws; i++)
        {
            counts[keys.Next()]++;
        }
        foreach (int index in new[] { 0, 1, 10, 99 })
        {
            double p = keys.Probability(index);
            double sigma = Math.Sqrt(p * (1 - p) / Draws);
            Assert.InRange((double)counts[index] / Draws, p - (5 * sigma), p + (5 * sigma));
        }
    }

    [Fact]
    public async Task HotShardRun_QuickSimulatedRun_ThrottlesTheHotShardThenSplitsIt()
    {
        HotShardReport report = await new HotShardRun(new HotShardOptions(ProvisionedSeconds: 20, OnDemandMinutes: 20)).RunAsync();

        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Measured}"));
        Assert.Equal(4, report.Provisioned.Count);
        HotShardRow hot = report.Provisioned.MaxBy(r => r.OfferedMiBps)!;
        Assert.Equal(report.HotKey, hot.TopKeys[0].Key);
        Assert.True(report.OnDemand[^1].OpenShards > 4);
    }

    [Fact]
    public async Task RunRealTimeAsync_ShortestRun_HoldsTheHotShardAndLeavesTheColdOnes()
    {
        int seconds = HotShardRun.RealTimeMinimumSeconds;

        HotShardRealTimeReport report = await new HotShardRun(new HotShardOptions()).RunRealTimeAsync(seconds);

        // The engine's bucket holds the hot shard whatever the machine's load: at most 1 MiB/s plus the full bucket
        // it starts with. The 2 % steady-window check is the scenario's, on a quiet machine.
        HotShardRow hot = report.Shards.MaxBy(r => r.OfferedMiBps)!;
        Assert.Equal("user-00000", hot.TopKeys[0].Key);
        Assert.True(hot.ThrottledRecords > 0);
        Assert.InRange(hot.AcceptedMiBps, 0.5, (1 + (1.0 / seconds)) * 1.02);
        Assert.All(report.Shards.Where(r => r.OfferedMiBps < 0.9), r => Assert.Equal(0, r.ThrottledRecords));
        Assert.Equal(["real-time-hot-shard-throttled", "real-time-cold-shards-unthrottled"], report.Checks.Select(c => c.Name));
        Assert.Equal(4, report.Shards.Count);
    }
}
