using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class ShardThrottlePropertyTests
{
    private const int MiB = ShardThroughputLimits.MiB;

    private static Gen<(int Bytes, int GapMs)[]> Schedule(int maxBytes) =>
        Gen.Choose(1, 400).SelectMany(length =>
            Gen.ArrayOf(Gen.Zip(Gen.Choose(1, maxBytes), Gen.Choose(0, 200)), length));

    [Property(MaxTest = 200)]
    public Property TryAcquireWrite_AnySchedule_AcceptedBytesInAnyWindowWithinRatePlusBurst() =>
        Prop.ForAll(Schedule(MiB).ToArbitrary(), schedule => WithinBound(schedule, burstBytes: MiB));

    [Property(MaxTest = 100)]
    public Property TryAcquireWrite_AnyScheduleWithLargeRecords_BurstIsTheLargestRecord() =>
        Prop.ForAll(Schedule(10 * MiB).ToArbitrary(), schedule =>
            WithinBound(schedule, burstBytes: Math.Max(MiB, schedule.Max(write => write.Bytes))));

    [Property(MaxTest = 200)]
    public Property TryAcquireWrite_AnyScheduleOfSmallWrites_AcceptedRecordsInAnyWindowWithinRatePlusBurst() =>
        Prop.ForAll(
            Gen.Choose(1, 2000).SelectMany(length =>
                Gen.ArrayOf(Gen.Zip(Gen.Choose(1, 20), Gen.Choose(0, 3)), length)).ToArbitrary(),
            schedule =>
            {
                var time = new FakeTimeProvider();
                var throttle = new ShardThrottle(time, CapacityOptions.Default);
                var accepted = new List<(long Ticks, long Records)>();
                foreach ((int records, int gapMs) in schedule)
                {
                    if (throttle.TryAcquireWrite(records, records) == WriteDecision.Accepted)
                    {
                        accepted.Add((time.GetUtcNow().Ticks, records));
                    }
                    time.Advance(TimeSpan.FromMilliseconds(gapMs));
                }
                return EveryWindowWithin(accepted, 1000, 1000);
            });

    private static bool WithinBound((int Bytes, int GapMs)[] schedule, long burstBytes)
    {
        var time = new FakeTimeProvider();
        var throttle = new ShardThrottle(time, CapacityOptions.Default);
        var accepted = new List<(long Ticks, long Bytes)>();
        foreach ((int bytes, int gapMs) in schedule)
        {
            if (throttle.TryAcquireWrite(bytes, 1) == WriteDecision.Accepted)
            {
                accepted.Add((time.GetUtcNow().Ticks, bytes));
            }
            time.Advance(TimeSpan.FromMilliseconds(gapMs));
        }
        return EveryWindowWithin(accepted, MiB, burstBytes);
    }

    /// <summary>Every window [t_i, t_j] between two acceptances: sum &lt;= (t_j - t_i) x rate + burst (exact integers).</summary>
    private static bool EveryWindowWithin(List<(long Ticks, long Amount)> accepted, long ratePerSecond, long burst)
    {
        for (int i = 0; i < accepted.Count; i++)
        {
            long sum = 0;
            for (int j = i; j < accepted.Count; j++)
            {
                sum += accepted[j].Amount;
                long elapsed = accepted[j].Ticks - accepted[i].Ticks;
                if (sum * TimeSpan.TicksPerSecond > (elapsed * ratePerSecond) + (burst * TimeSpan.TicksPerSecond))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
