using System.Diagnostics;
using HdrHistogram;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// Ack latencies (from the call that appends to the moment the durable acknowledgement is observed), in an
/// HdrHistogram of nanoseconds with 3 significant digits. Thread-safe: recording takes a lock.
/// </summary>
public sealed class LatencyHistogram
{
    private const long HighestTrackableNanoseconds = 120L * 1_000_000_000; // two minutes

    private readonly LongHistogram _histogram = new(HighestTrackableNanoseconds, 3);
    private readonly Lock _lock = new();

    /// <summary>The number of latencies recorded.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    /// <summary>Records the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public void RecordSince(long startTimestamp)
    {
        long nanoseconds = (long)Stopwatch.GetElapsedTime(startTimestamp).TotalNanoseconds;
        nanoseconds = Math.Clamp(nanoseconds, 1, HighestTrackableNanoseconds);
        lock (_lock)
        {
            _histogram.RecordValue(nanoseconds);
        }
    }

    /// <summary>Records the latency of <paramref name="ack"/> when it completes successfully (failures are not latencies).</summary>
    public async Task TrackAsync(Task ack, long startTimestamp)
    {
        try
        {
            await ack.ConfigureAwait(false);
        }
        catch (Exception)
        {
            return; // the producer observes the failure; here only successful acks count
        }
        RecordSince(startTimestamp);
    }

    /// <summary>The latency at <paramref name="percentile"/> (0-100) in microseconds; null when nothing was recorded.</summary>
    public double? PercentileMicroseconds(double percentile)
    {
        lock (_lock)
        {
            return _histogram.TotalCount == 0 ? null : _histogram.GetValueAtPercentile(percentile) / 1000.0;
        }
    }
}
