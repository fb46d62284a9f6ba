using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class ShardThrottleConcurrencyTests
{
    [Fact]
    public void TryAcquireWrite_ManyThreadsFrozenClock_AcceptExactlyOneBucket()
    {
        var time = new FakeTimeProvider(); // never advanced: the bucket never refills
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        long accepted = 0;

        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                if (throttle.TryAcquireWrite(256, 1) == WriteDecision.Accepted)
                {
                    Interlocked.Add(ref accepted, 256);
                }
            }
        });

        Assert.Equal(1000 * 256, accepted); // the record bucket (1 000) binds before the byte bucket (4 096 x 256 B)
    }

    [Fact]
    public void TryAcquireWrite_AfterWarmUp_DoesNotAllocate()
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        for (int i = 0; i < 1000; i++)
        {
            throttle.TryAcquireWrite(100, 1);
        }

        // A per-call allocation shows in every window; a one-off runtime allocation (tiering, a timer) in one at most.
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100_000; i++)
            {
                throttle.TryAcquireWrite(100, 1);
                throttle.TryBeginGetRecords();
                throttle.CompleteGetRecords(10);
            }
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }
}
