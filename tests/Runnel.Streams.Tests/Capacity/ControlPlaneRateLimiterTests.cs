using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class ControlPlaneRateLimiterTests
{
    [Fact]
    public void TryAcquire_SixCreateStreamInOneSecond_SixthRefusedNextSecondAllowed()
    {
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);

        for (int i = 0; i < 5; i++)
        {
            Assert.True(limiter.TryAcquire("CreateStream", "s" + i));
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        Assert.False(limiter.TryAcquire("CreateStream", "s5"));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("CreateStream", "s5"));
    }

    [Fact]
    public void TryAcquire_CallsSpreadEvenlyAtTheRate_AllAllowed()
    {
        // Documented token-bucket behaviour: 6 calls spread over one second pass (a token returns every 200 ms).
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);

        for (int i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquire("DeleteStream", null));
            time.Advance(TimeSpan.FromMilliseconds(200));
        }
    }

    [Fact]
    public void TryAcquire_SustainedOverload_AllowsRatePlusOneBucket()
    {
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);
        int allowed = 0;

        for (int i = 0; i < 1000; i++) // 100 calls/s for 10 s against DescribeStream's 10 TPS
        {
            allowed += limiter.TryAcquire("DescribeStream", null) ? 1 : 0;
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(allowed, 100, 110);
    }

    [Fact]
    public void TryAcquire_AccountScopedOperationOnTwoStreams_SharesOneBucket()
    {
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);

        Assert.True(limiter.TryAcquire("DescribeLimits", "a"));

        Assert.False(limiter.TryAcquire("DescribeLimits", "b"));
        Assert.True(limiter.TryAcquire("ListStreams", null)); // another operation, another bucket
    }

    [Fact]
    public void TryAcquire_StreamScopedOperation_CountedPerStream()
    {
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(limiter.TryAcquire("ListStreamConsumers", "a"));
        }

        Assert.False(limiter.TryAcquire("ListStreamConsumers", "a"));
        Assert.True(limiter.TryAcquire("ListStreamConsumers", "b"));
    }

    [Fact]
    public void ForgetStream_ExhaustedStreamBucket_StartsFullAgain()
    {
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(limiter.TryAcquire("DescribeStreamConsumer", "a"));
        }
        Assert.False(limiter.TryAcquire("DescribeStreamConsumer", "a"));

        limiter.ForgetStream("a");

        Assert.True(limiter.TryAcquire("DescribeStreamConsumer", "a"));
    }

    [Theory]
    [InlineData("DescribeLimits", 1, ControlPlaneScope.Account)]
    [InlineData("DescribeStream", 10, ControlPlaneScope.Account)]
    [InlineData("DescribeStreamSummary", 20, ControlPlaneScope.Account)]
    [InlineData("UpdateShardCount", 10, ControlPlaneScope.Account)]
    [InlineData("ListShards", 1000, ControlPlaneScope.Stream)]
    [InlineData("DescribeStreamConsumer", 20, ControlPlaneScope.Stream)]
    [InlineData("UpdateStreamMode", 5, ControlPlaneScope.Account)]
    [InlineData("SomeFutureOperation", 5, ControlPlaneScope.Account)]
    [InlineData("GetRecords", 0, ControlPlaneScope.DataPlane)]
    public void RateOf_Operation_MatchesTable(string operation, int tps, ControlPlaneScope scope)
    {
        Assert.Equal(new ControlPlaneRate(tps, scope), ControlPlaneRateLimiter.RateOf(operation));
    }

    [Theory]
    [InlineData(1, "DescribeLimits")]
    [InlineData(20, "DescribeStreamSummary")]
    [InlineData(5, "NotPublishedOperation")]
    public void TryAcquire_BurstAtOnce_AllowsExactlyTheTps(int tps, string operation)
    {
        var time = new FakeTimeProvider();
        var limiter = new ControlPlaneRateLimiter(time, CapacityOptions.Default);
        int allowed = 0;

        for (int i = 0; i < 100; i++)
        {
            allowed += limiter.TryAcquire(operation, null) ? 1 : 0;
        }

        Assert.Equal(tps, allowed);
    }

    [Fact]
    public void TryAcquire_DataPlaneOperation_AlwaysAllowed()
    {
        var limiter = new ControlPlaneRateLimiter(new FakeTimeProvider(), CapacityOptions.Default);

        for (int i = 0; i < 1000; i++)
        {
            Assert.True(limiter.TryAcquire("PutRecords", "a"));
        }
    }

    [Fact]
    public void TryAcquire_LimitsDisabled_AlwaysAllowed()
    {
        var limiter = new ControlPlaneRateLimiter(new FakeTimeProvider(), CapacityOptions.Unlimited);

        for (int i = 0; i < 1000; i++)
        {
            Assert.True(limiter.TryAcquire("DescribeLimits", null));
        }
        Assert.False(limiter.Enabled);
    }
}
