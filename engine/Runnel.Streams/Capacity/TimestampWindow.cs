namespace Runnel.Streams.Capacity;

/// <summary>
/// The timestamps of the last N accepted events, to answer "fewer than N events in the last W?" in O(1).
/// </summary>
/// <remarks>
/// An event at time t counts while <c>now - t &lt; W</c>; at exactly W it has left the window. A ring of N
/// timestamps (oldest at <c>_head</c>) is enough, since only the N-th most recent event decides admission.
/// Not thread-safe: a mutable struct owned by a class that holds a lock.
/// </remarks>
internal struct TimestampWindow
{
    private readonly long[] _times;
    private readonly long _window;
    private int _head;
    private int _count;

    public TimestampWindow(int limit, long windowTicks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowTicks);
        _times = new long[limit];
        _window = windowTicks;
    }

    public readonly int Limit => _times.Length;

    /// <summary>Events inside the window at <paramref name="now"/> (after expiring older ones).</summary>
    public int Count(long now)
    {
        Expire(now);
        return _count;
    }

    /// <summary>Records an event at <paramref name="now"/> if fewer than the limit are in the window.</summary>
    public bool TryRecord(long now)
    {
        Expire(now);
        if (_count == _times.Length)
        {
            return false;
        }
        int tail = _head + _count;
        _times[tail >= _times.Length ? tail - _times.Length : tail] = now;
        _count++;
        return true;
    }

    /// <summary>Ticks until a slot frees (0 if one is free now).</summary>
    public long TicksUntilFree(long now)
    {
        Expire(now);
        return _count < _times.Length ? 0 : _times[_head] + _window - now;
    }

    private void Expire(long now)
    {
        while (_count > 0 && now - _times[_head] >= _window)
        {
            _head = _head + 1 == _times.Length ? 0 : _head + 1;
            _count--;
        }
    }
}
