using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class ShardThrottleWriteTests
{
    private const int MiB = ShardThroughputLimits.MiB;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(10);

    // 2 KiB is the smallest size here: with 1 KiB records 1 MiB/s is 1 024 records/s, so the record limit binds first.
    [Theory]
    [InlineData(1.5, 2048)]
    [InlineData(3.0, 2048)]
    [InlineData(1.5, 100 * 1024)]
    [InlineData(3.0, 100 * 1024)]
    [InlineData(1.5, 512 * 1024)]
    [InlineData(3.0, 512 * 1024)]
    [InlineData(1.5, MiB)]
    [InlineData(3.0, MiB)]
    public void TryAcquireWrite_BytesOfferedAboveLimit_AcceptsLimitWithinOneSecondBurst(double multiple, int recordBytes)
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var producer = new SimulatedProducer(time, bytes => throttle.TryAcquireWrite(bytes, 1));

        producer.Run((long)(multiple * MiB), recordBytes, s_duration, s_step);

        long limit = 60L * MiB;
        long burst = MiB; // one second of bucket; no record is larger than the bucket here
        Assert.InRange(producer.AcceptedBytes, (long)(0.98 * limit), limit + burst);
        Assert.True(producer.Refusals > 0);
        // Any 1 s and any 10 s: at most T x rate + burst (windows are whole steps, so T is the window length).
        Assert.True(SimulatedProducer.MaxOverWindow(producer.AcceptedPerStep, 100) <= MiB + burst);
        Assert.True(SimulatedProducer.MaxOverWindow(producer.AcceptedPerStep, 1000) <= (10L * MiB) + burst);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(100 * 1024)]
    [InlineData(MiB)]
    public void TryAcquireWrite_BytesOfferedAtHalfLimit_AcceptsEverything(int recordBytes)
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var producer = new SimulatedProducer(time, bytes => throttle.TryAcquireWrite(bytes, 1));

        producer.Run(MiB / 2, recordBytes, s_duration, s_step);

        Assert.Equal(0, producer.Refusals);
        Assert.Equal(producer.OfferedBytes, producer.AcceptedBytes);
        Assert.InRange(producer.AcceptedBytes, (long)(0.99 * 30 * MiB), (30L * MiB) + recordBytes);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(3.0)]
    public void TryAcquireWrite_RecordsOfferedAboveLimit_AcceptsLimitWithinOneSecondBurst(double multiple)
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var refusedFor = new List<WriteDecision>();
        var producer = new SimulatedProducer(time, bytes =>
        {
            WriteDecision decision = throttle.TryAcquireWrite(bytes, 1);
            if (decision != WriteDecision.Accepted)
            {
                refusedFor.Add(decision);
            }
            return decision;
        });

        // 100-byte records: at 3 000 records/s that is 300 KB/s, so only the record limit binds.
        producer.Run((long)(multiple * 1000 * 100), 100, s_duration, s_step);

        Assert.InRange(producer.AcceptedRecords, (long)(0.98 * 60_000), 60_000 + 1000);
        Assert.True(SimulatedProducer.MaxOverWindow(producer.RecordsPerStep, 100) <= 1000 + 1000);
        Assert.NotEmpty(refusedFor);
        Assert.All(refusedFor, decision => Assert.Equal(WriteDecision.ThrottledRecords, decision));
    }

    [Fact]
    public void TryAcquireWrite_RecordsOfferedAtHalfLimit_AcceptsEverything()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var producer = new SimulatedProducer(time, bytes => throttle.TryAcquireWrite(bytes, 1));

        producer.Run(500 * 100, 100, s_duration, s_step);

        Assert.Equal(0, producer.Refusals);
        Assert.Equal(producer.OfferedBytes, producer.AcceptedBytes);
        Assert.InRange(producer.AcceptedRecords, 29_990, 30_001);
    }

    [Fact]
    public void TryAcquireWrite_NewShard_AcceptsOneSecondOfBurstAtOnce()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);

        for (int i = 0; i < 512; i++)
        {
            Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(2048, 1));
        }

        Assert.Equal(WriteDecision.ThrottledBytes, throttle.TryAcquireWrite(1, 1));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(1048, 1)); // 1 ms of refill = 1048.576 bytes
        Assert.Equal(WriteDecision.ThrottledBytes, throttle.TryAcquireWrite(1, 1));
    }

    [Fact]
    public void TryAcquireWrite_ThrottledRecords_TakesNoBytes()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(1, 1));
        }

        Assert.Equal(WriteDecision.ThrottledRecords, throttle.TryAcquireWrite(1000, 1));
        time.Advance(TimeSpan.FromMilliseconds(1)); // one record back; the bytes of the refused write were not taken
        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(MiB - 1000, 1));
    }

    [Fact]
    public void TryAcquireWrite_TenMiBRecordOnFullBucket_AcceptedThenShardBlockedUntilDebtRepaid()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);

        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(10 * MiB, 1));

        // Debt of 9 MiB: paid back at 1 MiB/s after 9 s; refused up to then, even for one byte.
        time.Advance(TimeSpan.FromSeconds(8.99));
        Assert.Equal(WriteDecision.ThrottledBytes, throttle.TryAcquireWrite(1, 1));
        time.Advance(TimeSpan.FromSeconds(0.02));
        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(1, 1));
    }

    [Fact]
    public void TryAcquireWrite_OversizedRecordOnPartlyEmptyBucket_ThrottledUntilBucketFull()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(MiB / 2, 1));

        Assert.Equal(WriteDecision.ThrottledBytes, throttle.TryAcquireWrite(2 * MiB, 1));
        Assert.Equal(TimeSpan.FromSeconds(0.5), throttle.WriteRetryAfter(2 * MiB, 1));
        time.Advance(TimeSpan.FromSeconds(0.49));
        Assert.Equal(WriteDecision.ThrottledBytes, throttle.TryAcquireWrite(2 * MiB, 1));
        time.Advance(TimeSpan.FromSeconds(0.01));
        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(2 * MiB, 1));
    }

    [Fact]
    public void TryAcquireWrite_TwoMiBRecordsOfferedAboveLimit_AverageStaysAtLimit()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var producer = new SimulatedProducer(time, bytes => throttle.TryAcquireWrite(bytes, 1));

        producer.Run(3L * MiB, 2 * MiB, s_duration, s_step);

        // Burst = the largest record (2 MiB), not the 1 MiB bucket.
        Assert.InRange(producer.AcceptedBytes, (long)(0.98 * 60 * MiB), (60L * MiB) + (2 * MiB));
        Assert.True(SimulatedProducer.MaxOverWindow(producer.AcceptedPerStep, 1000) <= (10L * MiB) + (2 * MiB));
    }

    [Fact]
    public void TryAcquireWrite_LimitsDisabled_AcceptsEverything()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Unlimited);
        var producer = new SimulatedProducer(time, bytes => throttle.TryAcquireWrite(bytes, 1));

        producer.Run(50L * MiB, 64 * 1024, TimeSpan.FromSeconds(5), s_step);

        Assert.False(throttle.Enabled);
        Assert.Equal(0, producer.Refusals);
        Assert.Equal(producer.OfferedBytes, producer.AcceptedBytes);
        Assert.Equal(WriteDecision.Accepted, throttle.TryAcquireWrite(10 * MiB, 100_000));
        Assert.Equal(TimeSpan.Zero, throttle.WriteRetryAfter(10 * MiB, 1));
    }

    [Fact]
    public void Constructor_NonPositiveLimit_Throws()
    {
        var options = new CapacityOptions { ShardLimits = new ShardThroughputLimits { WriteBytesPerSecond = 0 } };

        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardThrottle(new FakeTimeProvider(), options));
    }
}
