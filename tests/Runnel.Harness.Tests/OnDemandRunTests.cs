using Runnel.Harness.Scenarios.OnDemand;

namespace Runnel.Harness.Tests;

/// <summary>The on-demand ramp in a few simulated minutes: the new stream's 4 MiB/s baseline binds a jump to 8 MiB/s.</summary>
public class OnDemandRunTests
{
    [Fact]
    public async Task OnDemandRun_JumpAboveTheBaseline_HeldToFourMiBps()
    {
        OnDemandPhase[] phases = [new("hold 1 MiB/s", 0, 2, 1), new("hold 8 MiB/s", 2, 2, 8)];

        OnDemandResult result = await new OnDemandRun(phases, TextWriter.Null).RunAsync();

        Assert.Equal(4, result.Minutes.Count);
        Assert.All(result.Minutes, m => Assert.True(m.FollowsRules(0.02, 1.0), $"minute {m.Minute}: accepted {m.Accepted} vs expected {m.Expected}"));
        Assert.All(result.Minutes.Take(2), m => Assert.Equal(0, m.Throttled));
        // 8 MiB/s over 4 shards of 1 MiB/s and a 4 MiB/s stream: about 4 accepted, the rest throttled.
        Assert.All(result.Minutes.Skip(2), m => Assert.InRange(m.Accepted, 3.9, 4.01));
        Assert.All(result.Minutes, m => Assert.Equal(4, m.OpenShards));
        Assert.Empty(result.SplitMinutes);
    }
}
