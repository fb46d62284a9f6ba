using FsCheck.Xunit;

namespace Runnel.Model.Tests;

public sealed class ShardMapTests
{
    [Property(MaxTest = 300)]
    public bool FindShardIndex_RandomReshardedMap_AgreesWithLinearScan(int seed)
    {
        var random = new Random(seed);
        List<(HashKeyRange Range, int ShardIndex)> shards = RandomOpenShards(random, random.Next(0, 80));
        var map = new ShardMap(Shuffled(random, shards));
        if (map.Count != shards.Count)
        {
            return false;
        }

        var keys = new List<HashKey>();
        foreach ((HashKeyRange range, _) in shards)
        {
            keys.Add(range.Start);
            keys.Add(range.End);
        }

        for (int i = 0; i < 200; i++)
        {
            keys.Add(new HashKey(RandomUInt128(random)));
        }

        foreach (HashKey key in keys)
        {
            if (map.FindShardIndex(key) != LinearScan(shards, key))
            {
                return false;
            }
        }

        return true;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(1000)]
    public void FindShardIndex_EvenMap_RoutesEveryBoundary(int shardCount)
    {
        ShardMap map = ShardMap.CreateEven(shardCount);
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(shardCount);
        Assert.Equal(shardCount, map.Count);
        for (int i = 0; i < ranges.Length; i++)
        {
            Assert.Equal(i, map.FindShardIndex(ranges[i].Start));
            Assert.Equal(i, map.FindShardIndex(ranges[i].End));
            Assert.Equal(ranges[i], map.RangeAt(i));
            Assert.Equal(i, map.ShardIndexAt(i));
            Assert.True(map.TryGetRange(i, out HashKeyRange range));
            Assert.Equal(ranges[i], range);
        }

        Assert.False(map.TryGetRange(shardCount, out _));
    }

    [Fact]
    public void FindShardIndex_AfterSplitAndMerge_RoutesToChildren()
    {
        HashKeyRange[] initial = HashKeyRange.SplitEvenly(2);
        Assert.True(initial[0].TrySplitAt(new HashKey(1000), out HashKeyRange lower, out HashKeyRange upper));
        var split = new ShardMap([(lower, 2), (upper, 3), (initial[1], 1)]);
        Assert.Equal(2, split.FindShardIndex(new HashKey(999)));
        Assert.Equal(3, split.FindShardIndex(new HashKey(1000)));
        Assert.Equal(1, split.FindShardIndex(HashKey.MaxValue));

        var merged = new ShardMap([(lower, 2), (HashKeyRange.Merge(upper, initial[1]), 4)]);
        Assert.Equal(4, merged.FindShardIndex(new HashKey(1000)));
        Assert.Equal(4, merged.FindShardIndex(HashKey.MaxValue));
    }

    public static TheoryData<string, (HashKeyRange Range, int ShardIndex)[]> InvalidMaps()
    {
        HashKey half = new(UInt128.One << 127);
        HashKey halfMinusOne = new((UInt128.One << 127) - 1);
        HashKey halfMinusTwo = new((UInt128.One << 127) - 2);
        return new()
        {
            { "empty", [] },
            { "gap at bottom", [(new(new HashKey(1), HashKey.MaxValue), 0)] },
            { "gap at top", [(new(HashKey.MinValue, halfMinusOne), 0)] },
            { "gap in middle", [(new(HashKey.MinValue, halfMinusTwo), 0), (new(half, HashKey.MaxValue), 1)] },
            { "overlap", [(new(HashKey.MinValue, half), 0), (new(half, HashKey.MaxValue), 1)] },
            { "duplicate range", [(HashKeyRange.Full, 0), (HashKeyRange.Full, 1)] },
            { "nested", [(HashKeyRange.Full, 0), (new(new HashKey(5), new HashKey(6)), 1)] },
            { "duplicate index", [(new(HashKey.MinValue, halfMinusOne), 7), (new(half, HashKey.MaxValue), 7)] },
            { "negative index", [(HashKeyRange.Full, -1)] },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidMaps))]
    public void Constructor_InvalidRanges_Throws(string reason, (HashKeyRange Range, int ShardIndex)[] shards)
    {
        Assert.NotNull(reason);
        Assert.Throws<ArgumentException>(() => new ShardMap(shards));
        Assert.Throws<ArgumentException>(() => new ShardMap((IEnumerable<(HashKeyRange, int)>)shards));
    }

    // Start from the whole key space and apply random SplitShard/MergeShards steps, numbering children like Kinesis.
    private static List<(HashKeyRange Range, int ShardIndex)> RandomOpenShards(Random random, int steps)
    {
        var shards = new List<(HashKeyRange Range, int ShardIndex)> { (HashKeyRange.Full, 0) };
        int nextIndex = 1;
        for (int step = 0; step < steps; step++)
        {
            int position = random.Next(shards.Count);
            HashKeyRange range = shards[position].Range;
            if (random.Next(4) == 0 && shards.Count > 1)
            {
                int neighbour = position + 1 < shards.Count ? position + 1 : position - 1;
                HashKeyRange merged = HashKeyRange.Merge(range, shards[neighbour].Range);
                shards[Math.Min(position, neighbour)] = (merged, nextIndex++);
                shards.RemoveAt(Math.Max(position, neighbour));
                continue;
            }

            UInt128 width = range.End.Value - range.Start.Value;
            if (width == 0)
            {
                continue;
            }

            // Split key in (Start, End]: mostly random, sometimes at the very edges.
            UInt128 offset = random.Next(3) switch
            {
                0 => 1,
                1 => width,
                _ => (RandomUInt128(random) % width) + 1,
            };
            Assert.True(range.TrySplitAt(new HashKey(range.Start.Value + offset), out HashKeyRange lower, out HashKeyRange upper));
            shards[position] = (lower, nextIndex++);
            shards.Insert(position + 1, (upper, nextIndex++));
        }

        return shards;
    }

    private static (HashKeyRange Range, int ShardIndex)[] Shuffled(Random random, List<(HashKeyRange Range, int ShardIndex)> shards)
    {
        (HashKeyRange Range, int ShardIndex)[] copy = [.. shards];
        random.Shuffle(copy);
        return copy;
    }

    private static int LinearScan(List<(HashKeyRange Range, int ShardIndex)> shards, HashKey key)
    {
        int found = -1;
        foreach ((HashKeyRange range, int shardIndex) in shards)
        {
            if (range.Contains(key))
            {
                Assert.Equal(-1, found);
                found = shardIndex;
            }
        }

        return found;
    }

    private static UInt128 RandomUInt128(Random random)
    {
        var value = new UInt128((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
        return value >> random.Next(0, 128);
    }
}
