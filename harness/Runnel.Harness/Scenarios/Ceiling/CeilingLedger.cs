namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// The acknowledgements one producer saw, per shard: how many records, and the lowest and highest per-shard counter of
/// their sequence numbers. Merged over producers at the end of a point, it checks that the engine acknowledged exactly
/// the records the producers counted: a shard's counters from 1 up to its count (counter 0 is the shard's
/// StartingSequenceNumber), each once: no record stored without an ack, none acked twice. Not thread-safe: one per producer.
/// </summary>
public sealed class CeilingLedger
{
    private readonly long[] _counts;
    private readonly ulong[] _min;
    private readonly ulong[] _max;

    /// <summary>A ledger for a stream of <paramref name="shards"/> shards (indexes 0..shards-1).</summary>
    public CeilingLedger(int shards)
    {
        _counts = new long[shards];
        _min = new ulong[shards];
        _max = new ulong[shards];
        Array.Fill(_min, ulong.MaxValue);
    }

    /// <summary>Records acknowledged, over all shards.</summary>
    public long Acked { get; private set; }

    /// <summary>Records refused (an error code in the PutRecords result, or a failed call).</summary>
    public long Failed { get; private set; }

    /// <summary>Notes one acknowledged record.</summary>
    public void Ack(int shardIndex, ulong counter)
    {
        if ((uint)shardIndex >= (uint)_counts.Length)
        {
            throw new InvalidOperationException($"a record was acknowledged on shard index {shardIndex}, outside the stream's {_counts.Length} shards");
        }
        _counts[shardIndex]++;
        _min[shardIndex] = Math.Min(_min[shardIndex], counter);
        _max[shardIndex] = Math.Max(_max[shardIndex], counter);
        Acked++;
    }

    /// <summary>Notes <paramref name="records"/> refused records.</summary>
    public void Fail(int records) => Failed += records;

    /// <summary>Adds <paramref name="other"/> into this ledger.</summary>
    public void Merge(CeilingLedger other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int s = 0; s < _counts.Length; s++)
        {
            _counts[s] += other._counts[s];
            _min[s] = Math.Min(_min[s], other._min[s]);
            _max[s] = Math.Max(_max[s], other._max[s]);
        }
        Acked += other.Acked;
        Failed += other.Failed;
    }

    /// <summary>Records acknowledged on each shard.</summary>
    public IReadOnlyList<long> PerShard => _counts;

    /// <summary>
    /// Null when every shard's acknowledged counters are exactly 1..count (which, counters being unique, means each
    /// once); otherwise the first shard that breaks it. Only meaningful on a new stream that got no other writes.
    /// </summary>
    public string? Inconsistency()
    {
        for (int s = 0; s < _counts.Length; s++)
        {
            if (_counts[s] == 0)
            {
                continue;
            }
            if (_min[s] != 1 || _max[s] != (ulong)_counts[s])
            {
                return $"shard index {s}: {_counts[s]} acks with counters {_min[s]}..{_max[s]} (expected 1..{_counts[s]})";
            }
        }
        return null;
    }
}
