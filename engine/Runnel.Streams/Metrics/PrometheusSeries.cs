namespace Runnel.Streams.Metrics;

/// <summary>
/// One series' value: a counter's total, or a histogram's bucket counts and sum. Updated with interlocked operations
/// from any thread, read by a scrape without stopping writers (a scrape may see a measurement in the count and not
/// yet in the sum; the next scrape sees both).
/// </summary>
internal sealed class PrometheusSeries
{
    private readonly long[]? _buckets; // per bucket, not cumulative; the last is +Inf
    private long _total;
    private double _sum;

    /// <summary>A counter (<paramref name="bounds"/> negative) or a histogram with that many finite buckets.</summary>
    public PrometheusSeries(int bounds) => _buckets = bounds < 0 ? null : new long[bounds + 1];

    public long Total => Volatile.Read(ref _total);

    public double Sum => Volatile.Read(ref _sum);

    public void Add(long delta) => Interlocked.Add(ref _total, delta);

    /// <summary>Counts <paramref name="value"/> in the first bucket whose upper bound is at least it (Prometheus's <c>le</c>).</summary>
    public void Observe(double value, double[] bounds)
    {
        int bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }
        Interlocked.Increment(ref _buckets![bucket]);
        double seen = Volatile.Read(ref _sum);
        while (true)
        {
            double found = Interlocked.CompareExchange(ref _sum, seen + value, seen);
            if (found.Equals(seen))
            {
                break;
            }
            seen = found;
        }
    }

    /// <summary>The cumulative bucket counts (the last is the count of every observation).</summary>
    public long[] CumulativeBuckets()
    {
        long[] buckets = new long[_buckets!.Length];
        long running = 0;
        for (int i = 0; i < buckets.Length; i++)
        {
            running += Volatile.Read(ref _buckets[i]);
            buckets[i] = running;
        }
        return buckets;
    }
}
