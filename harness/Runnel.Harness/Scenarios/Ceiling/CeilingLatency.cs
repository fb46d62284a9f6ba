using HdrHistogram;
using HdrHistogram.Iteration;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>Put-latency percentiles of a point, in microseconds.</summary>
/// <param name="Calls">PutRecords calls the percentiles come from.</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="P999">99.9th percentile.</param>
/// <param name="Max">Slowest call.</param>
/// <param name="Mean">Mean.</param>
public sealed record CeilingPercentiles(long Calls, double P50, double P90, double P99, double P999, double Max, double Mean);

/// <summary>One point of a latency CDF: the fraction of calls (0..1) that took at most <see cref="Microseconds"/>.</summary>
/// <param name="Microseconds">Latency.</param>
/// <param name="Fraction">Share of calls at or below it.</param>
public sealed record CeilingCdfPoint(double Microseconds, double Fraction);

/// <summary>
/// Latencies of PutRecords calls (send to acknowledgement) in an HdrHistogram of microseconds with 3 significant digits
/// (values up to 10 minutes). One per producer, merged at the end, so recording takes no lock. Not thread-safe.
/// </summary>
public sealed class CeilingLatency
{
    private const long HighestMicroseconds = 600L * 1_000_000;

    private readonly LongHistogram _histogram = new(HighestMicroseconds, 3);

    /// <summary>Calls recorded.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records one call of <paramref name="microseconds"/> (clamped to 1 µs .. 10 minutes).</summary>
    public void Record(double microseconds) => _histogram.RecordValue(Math.Clamp((long)Math.Round(microseconds), 1, HighestMicroseconds));

    /// <summary>Adds every value of <paramref name="other"/>.</summary>
    public void Merge(CeilingLatency other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _histogram.Add(other._histogram);
    }

    /// <summary>The percentiles; null when nothing was recorded.</summary>
    public CeilingPercentiles? Percentiles()
        => Count == 0
            ? null
            : new CeilingPercentiles(Count, At(50), At(90), At(99), At(99.9), _histogram.GetMaxValue(), Math.Round(_histogram.GetMean(), 1));

    /// <summary>
    /// The CDF for charts: HdrHistogram's percentile iteration (<paramref name="ticksPerHalfDistance"/> steps per halving
    /// of the distance to 100 %), as (latency, fraction at or below) pairs, ending at the maximum with fraction 1.
    /// </summary>
    public IReadOnlyList<CeilingCdfPoint> Cdf(int ticksPerHalfDistance = 5)
    {
        var points = new List<CeilingCdfPoint>();
        if (Count == 0)
        {
            return points;
        }
        foreach (HistogramIterationValue value in _histogram.Percentiles(ticksPerHalfDistance))
        {
            var point = new CeilingCdfPoint(_histogram.HighestEquivalentValue(value.ValueIteratedTo), Math.Round(value.PercentileLevelIteratedTo / 100, 6));
            if (points.Count == 0 || points[^1] != point)
            {
                points.Add(point);
            }
        }
        return points;
    }

    private double At(double percentile) => _histogram.GetValueAtPercentile(percentile);
}
