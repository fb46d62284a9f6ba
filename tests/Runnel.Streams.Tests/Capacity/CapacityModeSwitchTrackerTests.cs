using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

public sealed class CapacityModeSwitchTrackerTests
{
    [Fact]
    public void TryRecordSwitch_ThirdSwitchInRollingDay_RefusedUntilFirstIsADayOld()
    {
        var time = new FakeTimeProvider();
        var tracker = new CapacityModeSwitchTracker(time, CapacityOptions.Default);
        Assert.True(tracker.TryRecordSwitch());
        time.Advance(TimeSpan.FromHours(6));
        Assert.True(tracker.TryRecordSwitch());

        time.Advance(TimeSpan.FromHours(17));
        Assert.False(tracker.TryRecordSwitch());
        Assert.Equal(TimeSpan.FromHours(1), tracker.RetryAfter);

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(tracker.TryRecordSwitch());
        Assert.False(tracker.TryRecordSwitch());
        Assert.Equal(2, tracker.Count);
    }

    [Fact]
    public void TryRecordSwitch_LimitsDisabled_AlwaysAllowed()
    {
        var tracker = new CapacityModeSwitchTracker(new FakeTimeProvider(), CapacityOptions.Unlimited);

        for (int i = 0; i < 10; i++)
        {
            Assert.True(tracker.TryRecordSwitch());
        }
        Assert.Equal(TimeSpan.Zero, tracker.RetryAfter);
    }
}
