using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class OnDemandCapacityTests
{
    private const long MiB = ShardThroughputLimits.MiB;
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void CurrentCapacity_NewStream_IsFourMiBPerSecond()
    {
        var capacity = new OnDemandCapacity(new FakeTimeProvider(), CapacityOptions.Default);

        Assert.Equal(4 * MiB, capacity.CurrentCapacityBytesPerSecond);
        Assert.Equal(0, capacity.PeakWriteBytesPerSecond);
    }

    [Fact]
    public void TryAcquireWrite_NewStreamOfferedSixMiBPerSecond_AcceptsFourMiBPerSecond()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);

        Load load = Offer(time, capacity, 6 * MiB, TimeSpan.FromMinutes(5));

        Assert.InRange(load.Accepted, (long)(0.98 * 4 * MiB * 300), (4 * MiB * 300) + (4 * MiB));
    }

    [Fact]
    public void CurrentCapacity_RampOverDays_GrowsToTwiceEachHeldPeak()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);

        // 1 MiB/s: 2 x 1 is below the 4 MiB/s floor.
        Load low = Offer(time, capacity, 1 * MiB, TimeSpan.FromHours(4));
        Assert.Equal(low.Offered, low.Accepted);
        Assert.Equal(1 * MiB, capacity.PeakWriteBytesPerSecond);
        Assert.Equal(4 * MiB, capacity.CurrentCapacityBytesPerSecond);

        foreach (long rate in new[] { 8 * MiB, 40 * MiB, 100 * MiB })
        {
            long before = capacity.CurrentCapacityBytesPerSecond;
            Load climb = Offer(time, capacity, rate, TimeSpan.FromHours(1));
            Load held = Offer(time, capacity, rate, TimeSpan.FromHours(5));

            Assert.True(rate > before, "each step more than doubles the previous peak");
            Assert.True(climb.Refused > 0, "the climb is throttled until scaling catches up");
            Assert.Equal(held.Offered, held.Accepted); // once scaled, the held rate passes in full
            Assert.Equal(rate, capacity.PeakWriteBytesPerSecond);
            Assert.Equal(2 * rate, capacity.CurrentCapacityBytesPerSecond);
        }
    }

    [Fact]
    public void CurrentCapacity_SwitchedWithEightShards_StartsAtTheirCapacityAndGrowsByTwiceThePeak()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default, floorBytesPerSecond: 8 * MiB);
        Assert.Equal(8 * MiB, capacity.CurrentCapacityBytesPerSecond);

        // A low peak never takes the kept shards' capacity away.
        Offer(time, capacity, 1 * MiB, TimeSpan.FromHours(1));
        Assert.Equal(8 * MiB, capacity.CurrentCapacityBytesPerSecond);

        // Above it, the 2 x peak rule grows capacity as for any on-demand stream.
        Offer(time, capacity, 6 * MiB, TimeSpan.FromHours(1));
        Assert.Equal(12 * MiB, capacity.CurrentCapacityBytesPerSecond);
    }

    [Fact]
    public void Constructor_FloorBelowBaselineOrAboveMaximum_ClampedToThem()
    {
        Assert.Equal(4 * MiB, new OnDemandCapacity(new FakeTimeProvider(), CapacityOptions.Default, 1 * MiB).CurrentCapacityBytesPerSecond);
        long max = CapacityOptions.Default.OnDemand.MaxWriteBytesPerSecond;
        Assert.Equal(max, new OnDemandCapacity(new FakeTimeProvider(), CapacityOptions.Default, 2 * max).CurrentCapacityBytesPerSecond);
    }

    [Fact]
    public void TryAcquireWrite_SpikeAboveTwicePreviousPeak_ThrottledUntilScalingDelayPasses()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        Offer(time, capacity, 8 * MiB, TimeSpan.FromHours(1));
        Assert.Equal(16 * MiB, capacity.CurrentCapacityBytesPerSecond);

        // 20 MiB/s > 2 x 8: for the first 15 minutes the stream gets its 16 MiB/s.
        Load spike = Offer(time, capacity, 20 * MiB, TimeSpan.FromMinutes(15));
        Assert.True(spike.Refused > 0);
        Assert.InRange(spike.Accepted, (long)(0.98 * 16 * MiB * 900), (16 * MiB * 900) + (16 * MiB));
        Assert.Equal(16 * MiB, capacity.CurrentCapacityBytesPerSecond);

        // 15 minutes after the first finished minute at the new peak (16 MiB/s accepted), capacity doubles.
        // The spike's first minute also carried the bucket's one-second burst (16 MiB), so its average is 16 + 16/60.
        Load next = Offer(time, capacity, 20 * MiB, TimeSpan.FromMinutes(2));
        Assert.InRange(capacity.CurrentCapacityBytesPerSecond, 32 * MiB, (32 * MiB) + (2 * 16 * MiB / 60) + 1);
        Load after = Offer(time, capacity, 20 * MiB, TimeSpan.FromMinutes(10));
        Assert.Equal(after.Offered, after.Accepted);
        Assert.True(next.Accepted >= 16 * MiB * 120);
    }

    [Fact]
    public void TryAcquireWrite_SpikeUpToTwicePreviousPeak_NotThrottled()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        Offer(time, capacity, 8 * MiB, TimeSpan.FromHours(1));

        Load spike = Offer(time, capacity, 15 * MiB, TimeSpan.FromMinutes(15));

        Assert.Equal(0, spike.Refused);
        Assert.Equal(spike.Offered, spike.Accepted);
    }

    [Fact]
    public void TryAcquireWrite_ShortSpike_AveragedIntoItsMinute()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        Offer(time, capacity, 1 * MiB, TimeSpan.FromMinutes(1));

        // 4 MiB in one call (the bucket is 1 s of 4 MiB/s), then quiet: the minute averages 4 MiB / 60.
        Assert.Equal(WriteDecision.Accepted, capacity.TryAcquireWrite((int)(4 * MiB)));
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1 * MiB, capacity.PeakWriteBytesPerSecond);
    }

    [Fact]
    public void CurrentCapacity_ThirtyDaysWithoutTraffic_FallsBackToFloor()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        Offer(time, capacity, 8 * MiB, TimeSpan.FromHours(2));
        Assert.Equal(16 * MiB, capacity.CurrentCapacityBytesPerSecond);

        time.Advance(TimeSpan.FromDays(29) + TimeSpan.FromHours(22));
        Assert.Equal(16 * MiB, capacity.CurrentCapacityBytesPerSecond); // the last peak minute is < 30 days old

        time.Advance(TimeSpan.FromHours(3)); // every peak minute is now > 30 days + 1 h old
        Assert.Equal(4 * MiB, capacity.CurrentCapacityBytesPerSecond);
        Assert.Equal(0, capacity.PeakWriteBytesPerSecond);
    }

    [Fact]
    public void CurrentCapacity_OlderHigherPeakExpires_LaterLowerPeakRemains()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        Offer(time, capacity, 4 * MiB, TimeSpan.FromHours(1));
        Offer(time, capacity, 8 * MiB, TimeSpan.FromHours(1));
        Assert.Equal(16 * MiB, capacity.CurrentCapacityBytesPerSecond);

        time.Advance(TimeSpan.FromDays(20));
        Offer(time, capacity, 3 * MiB, TimeSpan.FromHours(1));
        Assert.Equal(16 * MiB, capacity.CurrentCapacityBytesPerSecond);

        time.Advance(TimeSpan.FromDays(11));
        Assert.Equal(3 * MiB, capacity.PeakWriteBytesPerSecond);
        Assert.Equal(6 * MiB, capacity.CurrentCapacityBytesPerSecond);

        time.Advance(TimeSpan.FromDays(20));
        Assert.Equal(4 * MiB, capacity.CurrentCapacityBytesPerSecond); // never below the floor
    }

    [Fact]
    public void CurrentCapacity_LongIdleGapWithPendingSample_SampleIgnoredAndOtherHoursKept()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        Offer(time, capacity, 3 * MiB, TimeSpan.FromMinutes(5));

        time.Advance(TimeSpan.FromDays(45)); // the pending minutes are applied after they left the window

        Assert.Equal(4 * MiB, capacity.CurrentCapacityBytesPerSecond);
        Offer(time, capacity, 3 * MiB, TimeSpan.FromMinutes(30));
        Assert.Equal(6 * MiB, capacity.CurrentCapacityBytesPerSecond);
    }

    [Fact]
    public void RefundWrite_AcceptedWriteGivenBack_NotCountedTowardPeak()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);

        for (int i = 0; i < 600; i++)
        {
            Assert.Equal(WriteDecision.Accepted, capacity.TryAcquireWrite(300_000));
            capacity.RefundWrite(300_000);
            Assert.Equal(WriteDecision.Accepted, capacity.TryAcquireWrite(100_000));
            time.Advance(s_step);
        }
        time.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(1_000_000, capacity.PeakWriteBytesPerSecond);
    }

    [Fact]
    public void TryAcquireWrite_LimitsDisabled_AcceptsEverything()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Unlimited);

        Load load = Offer(time, capacity, 500 * MiB, TimeSpan.FromMinutes(2));

        Assert.False(capacity.Enabled);
        Assert.Equal(0, load.Refused);
        Assert.Equal(load.Offered, load.Accepted);
    }

    [Fact]
    public void CurrentCapacity_PeakBeyondCeiling_ClampedToMaximum()
    {
        var time = new FakeTimeProvider();
        var options = new CapacityOptions { OnDemand = new OnDemandOptions { MaxWriteBytesPerSecond = 10 * MiB } };
        var capacity = new OnDemandCapacity(time, options);

        Offer(time, capacity, 8 * MiB, TimeSpan.FromHours(1));

        Assert.Equal(10 * MiB, capacity.CurrentCapacityBytesPerSecond);
    }

    [Fact]
    public void ShardsToSplit_ShardAboveSplitRateForFifteenMinutes_Returned()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);

        WriteShards(time, capacity, TimeSpan.FromMinutes(14.5), 600_000, 400_000, 600_000);
        Assert.Empty(capacity.ShardsToSplit());

        WriteShards(time, capacity, TimeSpan.FromMinutes(0.5), 600_000, 400_000, 600_000);
        Assert.Equal([0, 2], capacity.ShardsToSplit());
        Assert.Equal([0, 2], capacity.ShardsToSplit(TimeSpan.FromMinutes(10)));
        Assert.Empty(capacity.ShardsToSplit(TimeSpan.FromMinutes(16)));

        capacity.ForgetShard(2); // split by the engine
        Assert.Equal([0], capacity.ShardsToSplit());
    }

    [Fact]
    public void ShardsToSplit_HotShardPausesForAMinute_RunRestarts()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);
        WriteShards(time, capacity, TimeSpan.FromMinutes(10), 600_000);

        time.Advance(TimeSpan.FromMinutes(1));
        WriteShards(time, capacity, TimeSpan.FromMinutes(10), 600_000);

        Assert.Empty(capacity.ShardsToSplit());
        WriteShards(time, capacity, TimeSpan.FromMinutes(5), 600_000);
        Assert.Equal([0], capacity.ShardsToSplit());
    }

    [Fact]
    public void ShardsToSplit_ShardExactlyAtSplitRate_NotReturned()
    {
        var time = new FakeTimeProvider();
        var capacity = new OnDemandCapacity(time, CapacityOptions.Default);

        WriteShards(time, capacity, TimeSpan.FromMinutes(30), 512_000); // 500 KiB/s: "exceeds" is strict

        Assert.Empty(capacity.ShardsToSplit());
        Assert.Empty(capacity.ShardsToSplit(TimeSpan.Zero));
    }

    private static void WriteShards(
        FakeTimeProvider time, OnDemandCapacity capacity, TimeSpan duration, params long[] bytesPerSecond)
    {
        long steps = duration.Ticks / s_step.Ticks;
        for (long i = 0; i < steps; i++)
        {
            for (int shard = 0; shard < bytesPerSecond.Length; shard++)
            {
                capacity.RecordShardWrite(shard, (int)(bytesPerSecond[shard] / 10));
            }
            time.Advance(s_step);
        }
    }

    /// <summary>A producer that offers <paramref name="bytesPerSecond"/> in 100 ms chunks and drops refused chunks.</summary>
    private static Load Offer(FakeTimeProvider time, OnDemandCapacity capacity, long bytesPerSecond, TimeSpan duration)
    {
        long steps = duration.Ticks / s_step.Ticks;
        var load = new Load();
        for (long i = 0; i < steps; i++)
        {
            // Exact integer chunks: every whole minute offers exactly 60 x rate bytes.
            int chunk = (int)((bytesPerSecond * (i + 1) / 10) - (bytesPerSecond * i / 10));
            load.Offered += chunk;
            if (capacity.TryAcquireWrite(chunk) == WriteDecision.Accepted)
            {
                load.Accepted += chunk;
            }
            else
            {
                load.Refused++;
            }
            time.Advance(s_step);
        }
        return load;
    }

    private sealed class Load
    {
        public long Offered { get; set; }

        public long Accepted { get; set; }

        public long Refused { get; set; }
    }
}
