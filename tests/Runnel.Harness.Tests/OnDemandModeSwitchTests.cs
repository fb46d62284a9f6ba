using Runnel.Harness.Scenarios.OnDemand;
using Runnel.Streams;

namespace Runnel.Harness.Tests;

/// <summary>The on-demand scenario's mode switches: the accounting and checks with known answers, and a quick simulated run.</summary>
public class OnDemandModeSwitchTests
{
    private static ModeSwitchMinute Minute(int minute, string mode, double offered, double accepted, int shards, double? onDemand = null)
    {
        double shardCapacity = Math.Min(offered, shards);
        return new ModeSwitchMinute(minute, $"{mode} step", mode, offered, accepted, offered - accepted, shards, shardCapacity, onDemand,
            Math.Min(offered, Math.Min(shardCapacity, onDemand ?? double.MaxValue)));
    }

    private static ModeSwitchAttempt Attempt(int minute, string from, string to, bool expectRefused, bool refused, int before, int after)
        => new(minute, "switch", from, to, expectRefused, refused ? "LimitExceededException" : null, refused ? "twice" : null, refused ? from : to, before, after);

    private static ScenarioCheckLookup Checks(IReadOnlyList<ModeSwitchMinute> minutes, IReadOnlyList<ModeSwitchAttempt> attempts, params (int Minute, string Mode)[] splits)
        => new(ModeSwitchReport.Create(new ModeSwitchResult(minutes, attempts, [.. splits.Select(s => new KeyValuePair<int, string>(s.Minute, s.Mode))])));

    [Fact]
    public void EffectivePeak_OnlyMinutesEndedFifteenMinutesAgo_Count()
    {
        // After 16 minutes since the switch only minute 0 has been over for 15 minutes; after 17, minutes 0 and 1.
        double[] accepted = [2, 3, .. Enumerable.Repeat(9.0, 14)];
        Assert.Equal(2, ModeSwitchRun.EffectivePeak(accepted));
        Assert.Equal(3, ModeSwitchRun.EffectivePeak([.. accepted, 9]));
        Assert.Equal(0, ModeSwitchRun.EffectivePeak([.. accepted[..15]]));
    }

    [Fact]
    public void Capacity_ProvisionedAndOnDemand_TheSmallerLimit()
    {
        Assert.Equal(2, Minute(0, "PROVISIONED", 3, 2, 2).Capacity);
        Assert.Equal(4, Minute(0, "ON_DEMAND", 12, 4, 8, onDemand: 4).Capacity);
        Assert.Equal(3, Minute(0, "ON_DEMAND", 3, 3, 8, onDemand: 4).Capacity);
    }

    [Fact]
    public void Report_RulesHeld_AllChecksPass()
    {
        ModeSwitchMinute[] minutes =
        [
            Minute(0, "PROVISIONED", 3, 2, 2),
            Minute(1, "ON_DEMAND", 3, 2, 2, onDemand: 4),
            Minute(2, "ON_DEMAND", 3, 3, 4, onDemand: 4),
            Minute(3, "PROVISIONED", 3, 3, 4),
        ];
        ModeSwitchAttempt[] attempts =
        [
            Attempt(1, "PROVISIONED", "ON_DEMAND", expectRefused: false, refused: false, 2, 2),
            Attempt(3, "ON_DEMAND", "PROVISIONED", expectRefused: false, refused: false, 4, 4),
            Attempt(4, "PROVISIONED", "ON_DEMAND", expectRefused: true, refused: true, 4, 4),
        ];
        ScenarioCheckLookup checks = Checks(minutes, attempts, (2, "ON_DEMAND"));
        Assert.All(checks.Report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Measured}"));
        Assert.Equal(["PROVISIONED", "ON_DEMAND"], checks.Report.Steps.Select(s => s.Mode));
    }

    [Fact]
    public void Report_ThirdSwitchAllowedWithin24Hours_TwoSwitchesCheckFails()
    {
        ModeSwitchAttempt[] attempts =
        [
            Attempt(1, "PROVISIONED", "ON_DEMAND", false, false, 2, 2),
            Attempt(2, "ON_DEMAND", "PROVISIONED", false, false, 2, 2),
            Attempt(3, "PROVISIONED", "ON_DEMAND", expectRefused: true, refused: false, 2, 2),
        ];
        Assert.False(Checks([Minute(0, "PROVISIONED", 1, 1, 2)], attempts)["two-switches-per-24h"].Passed);
    }

    [Fact]
    public void Report_ShardsChangeAtASwitch_RetainedCheckFails()
    {
        ModeSwitchAttempt[] attempts = [Attempt(1, "PROVISIONED", "ON_DEMAND", false, false, 8, 4)];
        Assert.False(Checks([Minute(0, "PROVISIONED", 1, 1, 8)], attempts)["shard-count-retained"].Passed);
    }

    [Fact]
    public void Report_AcceptedBeyondTheLimit_CapacityCheckFails()
    {
        // 2 shards take 2 MiB/s at most; 2.5 accepted breaks the rule.
        ModeSwitchMinute[] minutes = [Minute(0, "PROVISIONED", 3, 2.5, 2)];
        Assert.False(Checks(minutes, [Attempt(1, "PROVISIONED", "ON_DEMAND", false, false, 2, 2)])["capacity-follows-mode"].Passed);
    }

    [Fact]
    public void Report_SwitchToOnDemandDropsBelowTheShards_KeepsCapacityCheckFails()
    {
        // 8 provisioned shards take 8 MiB/s; after the switch the first minute takes 4: a disruption.
        ModeSwitchMinute[] minutes = [Minute(0, "PROVISIONED", 12, 8, 8), Minute(1, "ON_DEMAND", 12, 4, 8, onDemand: 4)];
        ScenarioCheckLookup checks = Checks(minutes, [Attempt(1, "PROVISIONED", "ON_DEMAND", false, false, 8, 8)]);
        Assert.False(checks["switch-keeps-write-capacity"].Passed);
        Assert.True(checks["capacity-follows-mode"].Passed);
    }

    [Fact]
    public async Task ModeSwitchRun_QuickSimulatedRun_SwitchesFollowTheRules()
    {
        ModeSwitchStep[] script =
        [
            new("provisioned", 3, 3),
            new("to on-demand", 0, 0, StreamMode.OnDemand),
            new("on-demand", 3, 3),
            new("to provisioned", 0, 0, StreamMode.Provisioned),
            new("provisioned again", 2, 3),
            new("refused", 0, 0, StreamMode.OnDemand, ExpectRefused: true),
            new("idle", (24 * 60) - 5, 0), // switch 1 at minute 3, the refused one at minute 8
            new("allowed", 0, 0, StreamMode.OnDemand),
            new("on-demand again", 1, 1),
        ];
        ModeSwitchResult result = await new ModeSwitchRun(script, TextWriter.Null).RunAsync();
        ModeSwitchReport report = ModeSwitchReport.Create(result);

        Assert.Equal(9, result.Minutes.Count);
        // 2 provisioned shards hold 3 MiB/s to 2; just after the switch the same 2 shards still do (no split yet).
        Assert.All(result.Minutes.Take(6), m => Assert.InRange(m.Accepted, 1.98, 2.0001));
        Assert.All(result.Minutes.Skip(3).Take(3), m => Assert.Equal(4, m.OnDemandCapacity));
        Assert.Equal([true, true, false, true], result.Attempts.Select(a => a.Switched));
        ModeSwitchAttempt refused = result.Attempts[2];
        Assert.Equal("LimitExceededException", refused.Error);
        Assert.Equal("Stream modeswitch under account 000000000000 has already switched capacity mode twice in the last 24 hours.", refused.Message);
        Assert.Equal(24 * 60, result.Attempts[3].Minute - result.Attempts[0].Minute);
        Assert.All(result.Attempts, a => Assert.Equal(2, a.OpenShardsAfter));
        Assert.Empty(result.SplitMinutes);
        Assert.All(report.Checks.Where(c => c.Name != "splits-only-on-demand"), c => Assert.True(c.Passed, $"{c.Name}: {c.Measured}"));
    }

    private sealed class ScenarioCheckLookup(ModeSwitchReport report)
    {
        public ModeSwitchReport Report => report;

        public Runnel.Harness.Scenarios.ScenarioCheck this[string name] => report.Checks.Single(c => c.Name == name);
    }
}
