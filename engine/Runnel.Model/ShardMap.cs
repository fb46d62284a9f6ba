namespace Runnel.Model;

/// <summary>
/// The routing table of a stream's open shards: which shard index owns each <see cref="HashKey"/>. The constructor
/// checks that the ranges partition 0 .. 2^128-1 with no gap and no overlap, and that no shard index repeats.
/// </summary>
/// <remarks>
/// Immutable after construction and safe to share between threads; a reshard builds a new map and publishes it.
/// <see cref="FindShardIndex"/> is a binary search over the sorted range starts (a linear scan for a handful of
/// shards) and does not allocate.
/// </remarks>
public sealed class ShardMap
{
    // Below this many shards a linear scan over the starts beats the branchy binary search.
    private const int LinearScanLimit = 4;

    // Parallel arrays sorted by range start; _starts duplicates _ranges[i].Start.Value for a dense search.
    private readonly UInt128[] _starts;
    private readonly HashKeyRange[] _ranges;
    private readonly int[] _shardIndexes;

    /// <summary>
    /// Builds a map from (range, shard index) pairs in any order. Throws <see cref="ArgumentException"/> unless the
    /// ranges cover 0 .. 2^128-1 exactly once and the shard indexes are distinct and non-negative.
    /// </summary>
    public ShardMap(ReadOnlySpan<(HashKeyRange Range, int ShardIndex)> shards)
    {
        if (shards.IsEmpty)
        {
            ThrowHelper.ThrowArgument(nameof(shards), "A shard map needs at least one shard.");
        }

        int count = shards.Length;
        _starts = new UInt128[count];
        _ranges = new HashKeyRange[count];
        _shardIndexes = new int[count];
        for (int i = 0; i < count; i++)
        {
            _starts[i] = shards[i].Range.Start.Value;
            _ranges[i] = shards[i].Range;
            _shardIndexes[i] = shards[i].ShardIndex;
        }

        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        // Sort positions by start, then apply the permutation to the three arrays.
        UInt128[] keys = (UInt128[])_starts.Clone();
        Array.Sort(keys, order);
        HashKeyRange[] ranges = (HashKeyRange[])_ranges.Clone();
        int[] shardIndexes = (int[])_shardIndexes.Clone();
        for (int i = 0; i < count; i++)
        {
            _starts[i] = keys[i];
            _ranges[i] = ranges[order[i]];
            _shardIndexes[i] = shardIndexes[order[i]];
        }

        Validate(_ranges, _shardIndexes);
    }

    /// <summary>Builds a map from (range, shard index) pairs; see the span overload.</summary>
    public ShardMap(IEnumerable<(HashKeyRange Range, int ShardIndex)> shards)
        : this((shards ?? throw new ArgumentNullException(nameof(shards))).ToArray().AsSpan())
    {
    }

    /// <summary>Number of open shards in the map.</summary>
    public int Count => _ranges.Length;

    /// <summary>
    /// The map of a new stream with <paramref name="shardCount"/> shards: shard i owns
    /// <c>HashKeyRange.SplitEvenly(shardCount)[i]</c>.
    /// </summary>
    public static ShardMap CreateEven(int shardCount)
    {
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(shardCount);
        var shards = new (HashKeyRange Range, int ShardIndex)[ranges.Length];
        for (int i = 0; i < ranges.Length; i++)
        {
            shards[i] = (ranges[i], i);
        }

        return new ShardMap(shards);
    }

    /// <summary>The index of the open shard whose range contains <paramref name="key"/>.</summary>
    public int FindShardIndex(HashKey key)
    {
        UInt128[] starts = _starts;
        UInt128 value = key.Value;
        int position;
        if (starts.Length <= LinearScanLimit)
        {
            // starts[0] is 0, so the answer is the last start <= value.
            position = 0;
            while (position + 1 < starts.Length && starts[position + 1] <= value)
            {
                position++;
            }
        }
        else
        {
            int low = 0;
            int high = starts.Length - 1;
            while (low < high)
            {
                int middle = (int)((uint)(low + high + 1) >> 1);
                if (starts[middle] <= value)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            position = low;
        }

        return _shardIndexes[position];
    }

    /// <summary>The range at <paramref name="position"/> in start order (0 .. <see cref="Count"/>-1).</summary>
    public HashKeyRange RangeAt(int position) => _ranges[position];

    /// <summary>The shard index at <paramref name="position"/> in start order (0 .. <see cref="Count"/>-1).</summary>
    public int ShardIndexAt(int position) => _shardIndexes[position];

    /// <summary>The range owned by <paramref name="shardIndex"/>, if that shard is in the map. Linear in <see cref="Count"/>.</summary>
    public bool TryGetRange(int shardIndex, out HashKeyRange range)
    {
        int position = Array.IndexOf(_shardIndexes, shardIndex);
        range = position >= 0 ? _ranges[position] : default;
        return position >= 0;
    }

    private static void Validate(HashKeyRange[] sortedRanges, int[] shardIndexes)
    {
        if (sortedRanges[0].Start != HashKey.MinValue)
        {
            ThrowHelper.ThrowArgument("shards", "The shard ranges leave a gap at the bottom of the hash key space.");
        }

        for (int i = 1; i < sortedRanges.Length; i++)
        {
            UInt128 previousEnd = sortedRanges[i - 1].End.Value;
            UInt128 start = sortedRanges[i].Start.Value;
            if (previousEnd == UInt128.MaxValue || start <= previousEnd)
            {
                ThrowHelper.ThrowArgument("shards", $"The shard ranges overlap at {sortedRanges[i].Start}.");
            }

            if (start != previousEnd + 1)
            {
                ThrowHelper.ThrowArgument("shards", $"The shard ranges leave a gap after {sortedRanges[i - 1].End}.");
            }
        }

        if (sortedRanges[^1].End != HashKey.MaxValue)
        {
            ThrowHelper.ThrowArgument("shards", "The shard ranges leave a gap at the top of the hash key space.");
        }

        int[] sortedIndexes = (int[])shardIndexes.Clone();
        Array.Sort(sortedIndexes);
        if (sortedIndexes[0] < 0)
        {
            ThrowHelper.ThrowArgument("shards", "Shard indexes are non-negative.");
        }

        for (int i = 1; i < sortedIndexes.Length; i++)
        {
            if (sortedIndexes[i] == sortedIndexes[i - 1])
            {
                ThrowHelper.ThrowArgument("shards", $"Shard index {sortedIndexes[i]} appears more than once.");
            }
        }
    }
}
