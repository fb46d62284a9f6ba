using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class ShardThrottleReadTests
{
    private const int MiB = ShardThroughputLimits.MiB;

    [Fact]
    public void TryBeginGetRecords_TenCallsPerSecond_AcceptsFivePerSecond()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var acceptedPerStep = new List<long>();
        int throttledCalls = 0;

        for (int i = 0; i < 600; i++) // 60 s, a call every 100 ms
        {
            ReadPermit permit = throttle.TryBeginGetRecords();
            if (permit.IsAccepted)
            {
                throttle.CompleteGetRecords(1024);
            }
            else
            {
                Assert.Equal(ReadDecision.ThrottledCalls, permit.Decision);
                throttledCalls++;
            }
            acceptedPerStep.Add(permit.IsAccepted ? 1 : 0);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(300, acceptedPerStep.Sum());
        Assert.Equal(300, throttledCalls);
        Assert.Equal(5, SimulatedProducer.MaxOverWindow(acceptedPerStep, 10)); // any rolling second
    }

    [Fact]
    public void TryBeginGetRecords_ThrottledCalls_DoNotCount()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(throttle.TryBeginGetRecords().IsAccepted);
        }

        time.Advance(TimeSpan.FromMilliseconds(500));
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(ReadDecision.ThrottledCalls, throttle.TryBeginGetRecords().Decision);
        }

        time.Advance(TimeSpan.FromMilliseconds(500)); // the first five leave the window at exactly 1 s
        Assert.True(throttle.TryBeginGetRecords().IsAccepted);
    }

    [Fact]
    public void GetRecords_ReaderWantingOneAndAHalfTimesLimit_ReadsLimitWithinOneResponse()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        long backlog = 0;
        long read = 0;
        var readPerStep = new List<long>();

        for (int i = 0; i < 6000; i++) // 60 s in 10 ms steps; records arrive at 3 MiB/s, the reader polls every step
        {
            backlog += 3L * MiB / 100;
            long bytes = 0;
            ReadPermit permit = throttle.TryBeginGetRecords();
            if (permit.IsAccepted)
            {
                bytes = Math.Min(backlog, permit.MaxBytes);
                throttle.CompleteGetRecords(bytes);
                backlog -= bytes;
                read += bytes;
            }
            readPerStep.Add(bytes);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        long limit = 60L * 2 * MiB;
        Assert.InRange(read, (long)(0.98 * limit), limit + (10L * MiB));
        // Any 10 s: at most 10 s x 2 MiB/s + one 10 MiB response.
        Assert.True(SimulatedProducer.MaxOverWindow(readPerStep, 1000) <= (20L * MiB) + (10L * MiB));
    }

    [Theory]
    [InlineData(5000)]
    [InlineData(5100)]
    [InlineData(5500)]
    public void TryBeginGetRecords_AfterTenMiBResponse_ThrottledForFiveSeconds(int allowedAtMs)
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        ReadPermit first = throttle.TryBeginGetRecords();
        Assert.Equal(10L * MiB, first.MaxBytes);
        throttle.CompleteGetRecords(10L * MiB);

        // Bound: a response of B bytes blocks the shard's reads for exactly B / 2 MiB/s after it is charged.
        time.Advance(TimeSpan.FromMilliseconds(4900));
        ReadPermit blocked = throttle.TryBeginGetRecords();
        Assert.Equal(ReadDecision.ThrottledBytes, blocked.Decision);
        Assert.Equal(0, blocked.MaxBytes);
        Assert.Equal(0, throttle.MaxReadBytesNow);

        time.Advance(TimeSpan.FromMilliseconds(allowedAtMs - 4900));
        Assert.Equal(10L * MiB, throttle.MaxReadBytesNow);
        Assert.True(throttle.TryBeginGetRecords().IsAccepted);
    }

    [Fact]
    public void CompleteGetRecords_ZeroBytes_NoDebt()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);

        Assert.True(throttle.TryBeginGetRecords().IsAccepted);
        throttle.CompleteGetRecords(0);

        Assert.True(throttle.TryBeginGetRecords().IsAccepted);
    }

    [Fact]
    public void TryBeginGetRecords_LimitsDisabled_AcceptsEverything()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Unlimited);

        for (int i = 0; i < 100; i++)
        {
            ReadPermit permit = throttle.TryBeginGetRecords();
            Assert.True(permit.IsAccepted);
            Assert.Equal(10L * MiB, permit.MaxBytes);
            throttle.CompleteGetRecords(10L * MiB);
        }
        Assert.Equal(10L * MiB, throttle.MaxReadBytesNow);
    }
}
