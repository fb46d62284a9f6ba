namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>One sweep of a plan: the points that vary <see cref="Axis"/>, in the order of its values.</summary>
/// <param name="Mode">Embedded or HTTP.</param>
/// <param name="Axis">The parameter that varies.</param>
/// <param name="Points">Indexes into <see cref="CeilingPlan.Points"/>, one per value.</param>
public sealed record CeilingSweep(CeilingMode Mode, CeilingAxis Axis, IReadOnlyList<int> Points);

/// <summary>
/// What a <c>ceiling</c> run measures: for each mode, a shard sweep, a size sweep and a producer sweep around one base
/// point (16 shards, 1 KiB, 16 producers when the lists hold those values, else each list's middle value), not the
/// whole cross product. The base point is measured once and belongs to all three sweeps.
/// </summary>
public sealed class CeilingPlan
{
    /// <summary>Records per PutRecords call at most (the Kinesis limit).</summary>
    public const int MaxBatchRecords = 500;

    /// <summary>Bytes (data plus partition keys) per PutRecords call at most: 10 MiB.</summary>
    public const int MaxBatchBytes = 10 * 1024 * 1024;

    private CeilingPlan(IReadOnlyList<CeilingPoint> points, IReadOnlyList<CeilingSweep> sweeps)
    {
        Points = points;
        Sweeps = sweeps;
    }

    /// <summary>Every distinct point, in the order they run (mode by mode; shards, then sizes, then producers).</summary>
    public IReadOnlyList<CeilingPoint> Points { get; }

    /// <summary>Three sweeps per mode.</summary>
    public IReadOnlyList<CeilingSweep> Sweeps { get; }

    /// <summary>Builds the plan of <paramref name="options"/>.</summary>
    public static CeilingPlan Build(CeilingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int baseShards = BaseOf(options.Shards, CeilingOptions.BaseShards);
        int baseBytes = BaseOf(options.RecordBytes, CeilingOptions.BaseRecordBytes);
        int baseProducers = BaseOf(options.Producers, CeilingOptions.BaseProducers);
        var points = new List<CeilingPoint>();
        var sweeps = new List<CeilingSweep>();
        foreach (CeilingMode mode in options.Modes)
        {
            sweeps.Add(new CeilingSweep(mode, CeilingAxis.Shards, [.. Distinct(options.Shards).Select(s => IndexOf(points, Point(mode, s, baseBytes, baseProducers)))]));
            sweeps.Add(new CeilingSweep(mode, CeilingAxis.RecordBytes, [.. Distinct(options.RecordBytes).Select(b => IndexOf(points, Point(mode, baseShards, b, baseProducers)))]));
            sweeps.Add(new CeilingSweep(mode, CeilingAxis.Producers, [.. Distinct(options.Producers).Select(p => IndexOf(points, Point(mode, baseShards, baseBytes, p)))]));
        }
        return new CeilingPlan(points, sweeps);
    }

    /// <summary>Records per PutRecords call for <paramref name="recordBytes"/>: 500, or fewer so that the call stays within 10 MiB.</summary>
    public static int BatchRecords(int recordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recordBytes);
        return Math.Clamp(MaxBatchBytes / recordBytes, 1, MaxBatchRecords);
    }

    /// <summary>The value of a list that the other sweeps hold fixed: <paramref name="preferred"/> when listed, else the middle value.</summary>
    public static int BaseOf(IReadOnlyList<int> values, int preferred)
    {
        ArgumentNullException.ThrowIfNull(values);
        List<int> sorted = Distinct(values);
        return sorted.Contains(preferred) ? preferred : sorted[(sorted.Count - 1) / 2];
    }

    private static CeilingPoint Point(CeilingMode mode, int shards, int bytes, int producers)
        => new(mode, shards, bytes, producers, BatchRecords(bytes));

    private static int IndexOf(List<CeilingPoint> points, CeilingPoint point)
    {
        int index = points.IndexOf(point);
        if (index >= 0)
        {
            return index;
        }
        points.Add(point);
        return points.Count - 1;
    }

    private static List<int> Distinct(IReadOnlyList<int> values) => [.. values.Distinct().Order()];
}
