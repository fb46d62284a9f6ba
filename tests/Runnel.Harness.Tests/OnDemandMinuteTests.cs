using Runnel.Harness.Scenarios.OnDemand;

namespace Runnel.Harness.Tests;

/// <summary>The on-demand scenario's per-minute rule: within 2 %, or one whole record short where a limit binds.</summary>
public class OnDemandMinuteTests
{
    private static OnDemandMinute Minute(double offered, double accepted, double expected)
        => new(922, "hold 8 MiB/s", offered, accepted, offered - accepted, 13, 4, 8, 8, expected);

    [Theory]
    [InlineData(8.0, 8.0, 8.0)]
    [InlineData(8.0, 7.85, 8.0)] // -1.9 %
    [InlineData(1.0, 1.0, 1.0)]
    public void FollowsRules_WithinTolerance_True(double offered, double accepted, double expected)
        => Assert.True(Minute(offered, accepted, expected).FollowsRules(0.02, 1.0));

    [Fact]
    public void FollowsRules_LimitBindsAndOneRecordShort_True()
    {
        // Offered 16 bytes/s over the 8 MiB/s capacity: each second the bucket refuses the record that does not fit.
        Assert.True(Minute(8.0 + (16.0 / 1048576), 7.4, 8.0).FollowsRules(0.02, 1.0));
    }

    [Fact]
    public void FollowsRules_NoLimitBindsButShort_False()
    {
        // Offered equals expected (nothing binds): a 7.5 % shortfall is a broken rule, whatever the record size.
        Assert.False(Minute(8.0, 7.4, 8.0).FollowsRules(0.02, 1.0));
    }

    [Theory]
    [InlineData(9.0, 6.9, 8.0)] // more than one record short
    [InlineData(9.0, 8.3, 8.0)] // more accepted than the limit allows
    public void FollowsRules_LimitBindsButOutsideOneRecord_False(double offered, double accepted, double expected)
        => Assert.False(Minute(offered, accepted, expected).FollowsRules(0.02, 1.0));
}
