namespace Runnel.Streams.Capacity;

/// <summary>
/// At most N events in any rolling window W: the quota behind "2 capacity-mode switches per stream per rolling
/// 24 h" and "UpdateShardCount at most 10 per stream per rolling 24 h" (kinesis-api.md 4.1), e.g.
/// <c>new RollingWindowCounter(time, 10, TimeSpan.FromDays(1))</c> per stream.
/// </summary>
/// <remarks>
/// An event recorded at t counts while <c>now - t &lt; W</c> and frees its slot at exactly <c>t + W</c>. Refused
/// attempts are not recorded. Memory is N timestamps. Thread-safe (a small lock); time comes from the
/// <see cref="TimeProvider"/>, so it runs in simulated time. Unlike the throttles it has no on/off switch: the
/// owner decides whether the quota applies.
/// </remarks>
public sealed class RollingWindowCounter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _origin;

    // Mutable struct updated in place under _lock.
    private TimestampWindow _events;

    /// <summary>Creates an empty counter.</summary>
    public RollingWindowCounter(TimeProvider timeProvider, int limit, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _events = new TimestampWindow(limit, window.Ticks);
        Window = window;
    }

    /// <summary>The most events in any window.</summary>
    public int Limit => _events.Limit;

    /// <summary>The window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>The events inside the window now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count(Now());
            }
        }
    }

    /// <summary>How long until <see cref="TryRecord"/> would succeed (zero if it would now).</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            lock (_lock)
            {
                return TimeSpan.FromTicks(_events.TicksUntilFree(Now()));
            }
        }
    }

    /// <summary>Records an event now if fewer than <see cref="Limit"/> are in the window; false (nothing recorded) if not.</summary>
    public bool TryRecord()
    {
        lock (_lock)
        {
            return _events.TryRecord(Now());
        }
    }

    private long Now() => _time.GetElapsedTime(_origin).Ticks;
}
