namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>Offered and throttled bytes per shard per time bucket (a second or a minute) of a hot-shard phase: the heatmaps' data.</summary>
/// <param name="buckets">How many buckets the phase has.</param>
/// <param name="bucketSeconds">Simulated seconds per bucket.</param>
public sealed class HotShardTimeline(int buckets, double bucketSeconds)
{
    private const double MiB = 1024 * 1024;
    private readonly SortedDictionary<string, (double[] Offered, double[] Throttled)> _shards = new(StringComparer.Ordinal);

    /// <summary>How many buckets the phase has.</summary>
    public int Buckets => buckets;

    /// <summary>Simulated seconds per bucket.</summary>
    public double BucketSeconds => bucketSeconds;

    /// <summary>The shards that took traffic, in shard-id order (parents before their children).</summary>
    public IReadOnlyList<string> Shards => [.. _shards.Keys];

    /// <summary>Counts one record of <paramref name="bytes"/> offered to <paramref name="shard"/> in <paramref name="bucket"/>.</summary>
    public void Count(string shard, int bucket, long bytes, bool accepted)
    {
        if (!_shards.TryGetValue(shard, out (double[] Offered, double[] Throttled) row))
        {
            row = (new double[buckets], new double[buckets]);
            row.Offered.AsSpan().Fill(double.NaN); // no traffic: the shard was not open
            row.Throttled.AsSpan().Fill(double.NaN);
            _shards[shard] = row;
        }
        row.Offered[bucket] = (double.IsNaN(row.Offered[bucket]) ? 0 : row.Offered[bucket]) + bytes;
        row.Throttled[bucket] = (double.IsNaN(row.Throttled[bucket]) ? 0 : row.Throttled[bucket]) + (accepted ? 0 : bytes);
    }

    /// <summary>Offered MiB/s, [shard, bucket] in <see cref="Shards"/> order; NaN where the shard took nothing.</summary>
    public double[,] OfferedMiBps() => Rates(r => r.Offered);

    /// <summary>Throttled MiB/s, [shard, bucket]; NaN where the shard took nothing.</summary>
    public double[,] ThrottledMiBps() => Rates(r => r.Throttled);

    private double[,] Rates(Func<(double[] Offered, double[] Throttled), double[]> pick)
    {
        var values = new double[_shards.Count, buckets];
        int row = 0;
        foreach ((double[] Offered, double[] Throttled) shard in _shards.Values)
        {
            double[] source = pick(shard);
            for (int b = 0; b < buckets; b++)
            {
                values[row, b] = source[b] / MiB / bucketSeconds;
            }
            row++;
        }
        return values;
    }
}
