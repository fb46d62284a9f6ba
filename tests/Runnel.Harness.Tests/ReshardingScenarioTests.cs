using Runnel.Harness.Scenarios;
using Runnel.Harness.Scenarios.Resharding;

namespace Runnel.Harness.Tests;

/// <summary>The resharding-under-load scenario: a quick simulated run holds every rule, and its checks catch a loss,
/// a duplicate and a reordering when the counts show one.</summary>
public class ReshardingScenarioTests
{
    [Fact]
    public async Task ReshardingRun_QuickSimulatedRun_LosesNothingAndKeepsKeyOrder()
    {
        ReshardingResult result = await new ReshardingRun(new ReshardingOptions(Seconds: 20, Seed: 7, ReshardEverySeconds: 3)).RunAsync();

        Assert.All(result.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Measured}"));
        Assert.True(result.Counts.RecordsAcknowledged > 10_000);
        Assert.Equal(result.Counts.RecordsAcknowledged, result.Counts.RecordsRead);
        Assert.True(result.ShardsAtEnd > result.Options.InitialShards, "resharding adds shards (closed parents stay listed)");
    }

    [Theory]
    [InlineData("no-loss", 1, 0, 0)]
    [InlineData("exactly-once-as-acknowledged", 0, 1, 0)]
    [InlineData("per-key-order", 0, 0, 1)]
    public void ReshardingResult_CountsShowingAFault_FailTheMatchingCheck(string check, int lost, int duplicates, int outOfOrder)
    {
        var counts = new ReshardingCounts
        {
            RecordsAcknowledged = 100,
            RecordsRead = 100 - lost + duplicates,
            Lost = lost,
            Duplicates = duplicates,
            OrderViolations = outOfOrder,
            Splits = 2,
            Merges = 1,
        };
        var result = new ReshardingResult(new ReshardingOptions(), counts, 4, 7, 20, ["a violation"], lost + duplicates + outOfOrder);

        ScenarioCheck failed = Assert.Single(result.Checks, c => !c.Passed);
        Assert.Equal(check, failed.Name);
        Assert.False(result.AllPassed);
    }

    [Fact]
    public void ReshardingResult_NoResharding_FailsResharding()
    {
        var counts = new ReshardingCounts { RecordsAcknowledged = 10, RecordsRead = 10, Splits = 1 };
        var result = new ReshardingResult(new ReshardingOptions(), counts, 5, 7, 20, [], 0);
        Assert.Equal("resharding-happened", Assert.Single(result.Checks, c => !c.Passed).Name);
    }
}
