namespace Runnel.Streams.Capacity;

/// <summary>
/// The peak write rate of one stream over a rolling window (30 days), in bounded memory, with a scaling delay.
/// </summary>
/// <remarks>
/// <para>
/// Samples: the bytes written in each clock minute, divided by 60 (a minute-average rate, the granularity of the
/// CloudWatch <c>IncomingBytes</c> metric). A sample becomes <i>effective</i> (counts toward the peak) only once its
/// minute has ended and the scaling delay has passed after that: a new peak raises the capacity at most
/// <c>1 min + delay</c> after it starts. Until then samples wait in a small queue (about delay / 1 min entries).
/// </para>
/// <para>
/// Memory: effective samples are folded into per-hour maxima, in a ring of <c>window hours + 1</c> slots (721 for
/// 30 days, 11.5 KB). An hour's maximum counts while <c>current hour - its hour &lt;= window hours</c>, so a peak is
/// forgotten between 30 days and 30 days + 1 hour after it happened.
/// </para>
/// <para>
/// Not thread-safe: owned by <see cref="OnDemandCapacity"/> and used under its lock. Time is TimeSpan ticks since the
/// owner's origin.
/// </para>
/// </remarks>
internal sealed class PeakHistory
{
    private const long MinutesPerHour = 60;
    private const long SecondsPerMinute = 60;

    private readonly long _delayTicks;
    private readonly long _windowHours;
    private readonly long[] _hourPeak;
    private readonly long[] _hourTag;
    private readonly Queue<(long Minute, long Rate)> _pending = new();
    private long _minute;
    private long _minuteBytes;
    private long _hour;
    private long _peak;

    public PeakHistory(TimeSpan window, TimeSpan delay)
    {
        _delayTicks = delay.Ticks;
        _windowHours = Math.Max(1, window.Ticks / TimeSpan.TicksPerHour);
        _hourPeak = new long[_windowHours + 1];
        _hourTag = new long[_windowHours + 1];
        Array.Fill(_hourTag, -1L);
    }

    /// <summary>The largest effective minute-average rate in the window, bytes per second (0 if none).</summary>
    public long PeakBytesPerSecond => _peak;

    /// <summary>Adds written bytes to the current minute; call <see cref="Advance"/> first.</summary>
    public void Add(long bytes) => _minuteBytes += bytes;

    /// <summary>Takes back bytes added in the current minute (a refunded write).</summary>
    public void Subtract(long bytes) => _minuteBytes = Math.Max(0, _minuteBytes - bytes);

    /// <summary>Closes finished minutes, applies samples whose delay passed, forgets expired hours; true if the peak changed.</summary>
    public bool Advance(long now)
    {
        long minute = now / TimeSpan.TicksPerMinute;
        if (minute > _minute)
        {
            if (_minuteBytes > 0)
            {
                _pending.Enqueue((_minute, _minuteBytes / SecondsPerMinute));
            }
            _minute = minute;
            _minuteBytes = 0;
        }

        long hour = now / TimeSpan.TicksPerHour;
        long promoted = 0;
        while (_pending.Count > 0 && ((_pending.Peek().Minute + 1) * TimeSpan.TicksPerMinute) + _delayTicks <= now)
        {
            (long sampleMinute, long rate) = _pending.Dequeue();
            long sampleHour = sampleMinute / MinutesPerHour;
            if (hour - sampleHour > _windowHours)
            {
                continue; // already outside the window (after a long idle gap); its slot may hold a newer hour
            }
            int slot = (int)(sampleHour % _hourPeak.Length);
            if (_hourTag[slot] != sampleHour)
            {
                _hourTag[slot] = sampleHour;
                _hourPeak[slot] = rate;
            }
            else if (rate > _hourPeak[slot])
            {
                _hourPeak[slot] = rate;
            }
            promoted = Math.Max(promoted, rate);
        }

        long previous = _peak;
        if (hour != _hour)
        {
            // A new hour may expire the oldest slot: recompute (721 slots, once an hour).
            _hour = hour;
            long peak = 0;
            for (int i = 0; i < _hourTag.Length; i++)
            {
                if (_hourTag[i] >= 0 && hour - _hourTag[i] <= _windowHours)
                {
                    peak = Math.Max(peak, _hourPeak[i]);
                }
            }
            _peak = peak;
        }
        else
        {
            _peak = Math.Max(_peak, promoted);
        }
        return _peak != previous;
    }
}
