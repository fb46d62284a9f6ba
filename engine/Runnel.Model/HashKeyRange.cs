namespace Runnel.Model;

/// <summary>
/// An inclusive range of hash keys <c>[Start, End]</c>, as in a shard's <c>HashKeyRange</c>
/// (<c>StartingHashKey</c>/<c>EndingHashKey</c>). Holds the Kinesis rules for the initial even split,
/// SplitShard and MergeShards. Immutable value type; the constructor rejects <c>Start &gt; End</c>.
/// </summary>
public readonly record struct HashKeyRange(HashKey Start, HashKey End)
{
    /// <summary>The first key in the range.</summary>
    public HashKey Start { get; } = Start;

    /// <summary>The last key in the range (inclusive).</summary>
    public HashKey End { get; } = ValidateEnd(Start, End);

    /// <summary>The whole key space, 0 .. 2^128-1.</summary>
    public static HashKeyRange Full => new(HashKey.MinValue, HashKey.MaxValue);

    /// <summary>True if <paramref name="key"/> lies in <c>[Start, End]</c>.</summary>
    public bool Contains(HashKey key) => key.Value >= Start.Value && key.Value <= End.Value;

    /// <summary>
    /// The initial ranges of a stream with <paramref name="shardCount"/> shards, exactly as AWS assigns them:
    /// <c>step = floor(2^128 / N)</c>, shard i covers <c>[i*step, (i+1)*step - 1]</c> and the last shard ends at
    /// 2^128-1. For N = 3 the first boundary is 113427455640312821154458202477256070484/…485.
    /// </summary>
    public static HashKeyRange[] SplitEvenly(int shardCount)
    {
        if (shardCount < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(shardCount), "A stream has at least one shard.");
        }

        var ranges = new HashKeyRange[shardCount];
        if (shardCount == 1)
        {
            ranges[0] = Full;
            return ranges;
        }

        // floor(2^128 / N) = floor((Max + 1) / N): one more than Max / N exactly when Max % N == N - 1.
        // For N >= 2 the result is at most 2^127, so it fits.
        UInt128 n = (uint)shardCount;
        UInt128 step = UInt128.MaxValue / n;
        if (UInt128.MaxValue % n == n - 1)
        {
            step++;
        }

        UInt128 start = 0;
        for (int i = 0; i < shardCount - 1; i++)
        {
            UInt128 next = start + step;
            ranges[i] = new HashKeyRange(new HashKey(start), new HashKey(next - 1));
            start = next;
        }

        ranges[shardCount - 1] = new HashKeyRange(new HashKey(start), HashKey.MaxValue);
        return ranges;
    }

    /// <summary>
    /// Splits at <paramref name="newStartingHashKey"/> as SplitShard does: the key must satisfy
    /// <c>Start &lt; key &lt;= End</c>; then <paramref name="lower"/> = <c>[Start, key-1]</c> and
    /// <paramref name="upper"/> = <c>[key, End]</c>.
    /// </summary>
    public bool TrySplitAt(HashKey newStartingHashKey, out HashKeyRange lower, out HashKeyRange upper)
    {
        UInt128 key = newStartingHashKey.Value;
        if (key <= Start.Value || key > End.Value)
        {
            lower = default;
            upper = default;
            return false;
        }

        lower = new HashKeyRange(Start, new HashKey(key - 1));
        upper = new HashKeyRange(newStartingHashKey, End);
        return true;
    }

    /// <summary>
    /// True if the union of the two ranges is contiguous with no gap and no overlap (in either order), which
    /// is what MergeShards requires of its two shards.
    /// </summary>
    public static bool AreAdjacent(HashKeyRange a, HashKeyRange b) => Follows(a, b) || Follows(b, a);

    /// <summary>The union of two adjacent ranges, in either order; false if they are not adjacent.</summary>
    public static bool TryMerge(HashKeyRange a, HashKeyRange b, out HashKeyRange merged)
    {
        if (Follows(a, b))
        {
            merged = new HashKeyRange(a.Start, b.End);
            return true;
        }

        if (Follows(b, a))
        {
            merged = new HashKeyRange(b.Start, a.End);
            return true;
        }

        merged = default;
        return false;
    }

    /// <summary>The union of two adjacent ranges; throws <see cref="ArgumentException"/> if they are not adjacent.</summary>
    public static HashKeyRange Merge(HashKeyRange a, HashKeyRange b)
    {
        if (!TryMerge(a, b, out HashKeyRange merged))
        {
            ThrowHelper.ThrowArgument(nameof(b), "The hash key ranges are not adjacent.");
        }

        return merged;
    }

    public override string ToString() => $"[{Start}, {End}]";

    // True if 'second' starts right after 'first' ends.
    private static bool Follows(HashKeyRange first, HashKeyRange second) =>
        first.End.Value != UInt128.MaxValue && first.End.Value + 1 == second.Start.Value;

    private static HashKey ValidateEnd(HashKey start, HashKey end)
    {
        if (end.Value < start.Value)
        {
            ThrowHelper.ThrowArgument(nameof(end), "A hash key range must have Start <= End.");
        }

        return end;
    }
}
