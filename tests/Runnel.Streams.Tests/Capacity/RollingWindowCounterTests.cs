using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class RollingWindowCounterTests
{
    [Fact]
    public void TryRecord_UpdateShardCountQuota_EleventhInADayRefusedUntilFirstLeavesWindow()
    {
        var time = new FakeTimeProvider();
        var counter = new RollingWindowCounter(time, 10, TimeSpan.FromDays(1));
        for (int i = 0; i < 10; i++)
        {
            Assert.True(counter.TryRecord());
            time.Advance(TimeSpan.FromHours(1));
        }

        Assert.False(counter.TryRecord());
        Assert.Equal(10, counter.Count);
        Assert.Equal(TimeSpan.FromHours(14), counter.RetryAfter);

        time.Advance(TimeSpan.FromHours(14) - TimeSpan.FromTicks(1));
        Assert.False(counter.TryRecord());
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(counter.TryRecord());
        Assert.False(counter.TryRecord());
    }

    [Fact]
    public void Count_AfterWindowPasses_IsZero()
    {
        var time = new FakeTimeProvider();
        var counter = new RollingWindowCounter(time, 3, TimeSpan.FromSeconds(10));
        Assert.True(counter.TryRecord());
        Assert.True(counter.TryRecord());

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, counter.Count);
        Assert.Equal(TimeSpan.Zero, counter.RetryAfter);
    }

    [Property(MaxTest = 300)]
    public Property TryRecord_AnySchedule_NeverMoreThanLimitInAnyWindow() =>
        Prop.ForAll(
            Gen.Zip(Gen.Choose(1, 6), Gen.Choose(1, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 400), n))).ToArbitrary(),
            input =>
            {
                (int limit, int[] gapsMs) = input;
                var time = new FakeTimeProvider();
                var counter = new RollingWindowCounter(time, limit, TimeSpan.FromSeconds(1));
                var accepted = new List<long>();
                int refusedWithRoom = 0;
                foreach (int gap in gapsMs)
                {
                    long now = time.GetUtcNow().Ticks;
                    int inWindow = accepted.Count(t => now - t < TimeSpan.TicksPerSecond);
                    if (counter.TryRecord())
                    {
                        accepted.Add(now);
                    }
                    else if (inWindow < limit)
                    {
                        refusedWithRoom++;
                    }
                    time.Advance(TimeSpan.FromMilliseconds(gap));
                }
                // Exact model: admitted iff fewer than limit admitted events in the last second.
                bool bounded = accepted
                    .Select((t, i) => accepted.Skip(i).Count(u => u - t < TimeSpan.TicksPerSecond))
                    .All(c => c <= limit);
                return bounded && refusedWithRoom == 0;
            });
}
