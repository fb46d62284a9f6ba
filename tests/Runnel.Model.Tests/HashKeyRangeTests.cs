using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Runnel.Model.Tests;

public sealed class HashKeyRangeTests
{
    private static readonly BigInteger s_twoPow128 = BigInteger.One << 128;

    [Fact]
    public void SplitEvenly_ThreeShards_MatchesAws()
    {
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(3);
        Assert.Equal(3, ranges.Length);
        AssertRange(ranges[0], "0", "113427455640312821154458202477256070484");
        AssertRange(ranges[1], "113427455640312821154458202477256070485", "226854911280625642308916404954512140969");
        AssertRange(ranges[2], "226854911280625642308916404954512140970", "340282366920938463463374607431768211455");
    }

    [Fact]
    public void SplitEvenly_TwoShards_SplitsAtTwoPow127()
    {
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(2);
        Assert.Equal(new HashKey((UInt128.One << 127) - 1), ranges[0].End);
        Assert.Equal(new HashKey(UInt128.One << 127), ranges[1].Start);
        Assert.Equal(HashKey.MaxValue, ranges[1].End);
    }

    [Fact]
    public void SplitEvenly_OneShard_CoversEverything()
    {
        Assert.Equal([HashKeyRange.Full], HashKeyRange.SplitEvenly(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void SplitEvenly_NonPositiveCount_Throws(int shardCount)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HashKeyRange.SplitEvenly(shardCount));
    }

    [Property(MaxTest = 300)]
    public Property SplitEvenly_AnyCountUpTo10000_PartitionsKeySpaceWithAwsStep() =>
        Prop.ForAll(Gen.Choose(1, 10_000).ToArbitrary(), CoversContiguouslyWithAwsStep);

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(10_000)]
    [InlineData(7)]
    [InlineData(97)]
    [InlineData(257)]
    [InlineData(65_537)]
    [InlineData(9_973)]
    public void SplitEvenly_PowerOfTwoAndPrimeCounts_PartitionKeySpaceWithAwsStep(int shardCount)
    {
        Assert.True(CoversContiguouslyWithAwsStep(shardCount));
    }

    [Fact]
    public void SplitEvenly_EveryCountUpTo1000_PartitionsKeySpaceWithAwsStep()
    {
        for (int n = 1; n <= 1000; n++)
        {
            Assert.True(CoversContiguouslyWithAwsStep(n), $"N = {n}");
        }
    }

    [Fact]
    public void Contains_Bounds_AreInclusive()
    {
        var range = new HashKeyRange(new HashKey(10), new HashKey(20));
        Assert.False(range.Contains(new HashKey(9)));
        Assert.True(range.Contains(new HashKey(10)));
        Assert.True(range.Contains(new HashKey(20)));
        Assert.False(range.Contains(new HashKey(21)));
        Assert.True(HashKeyRange.Full.Contains(HashKey.MaxValue));
    }

    [Fact]
    public void Constructor_StartAfterEnd_Throws()
    {
        Assert.Throws<ArgumentException>(() => new HashKeyRange(new HashKey(2), new HashKey(1)));
    }

    [Theory]
    [InlineData(11, true)]
    [InlineData(20, true)]
    [InlineData(10, false)] // must be > Start
    [InlineData(21, false)] // must be <= End
    [InlineData(0, false)]
    public void TrySplitAt_KeyPosition_FollowsSplitShardRules(int key, bool expected)
    {
        var range = new HashKeyRange(new HashKey(10), new HashKey(20));
        Assert.Equal(expected, range.TrySplitAt(new HashKey((UInt128)key), out HashKeyRange lower, out HashKeyRange upper));
        if (expected)
        {
            Assert.Equal(new HashKeyRange(new HashKey(10), new HashKey((UInt128)(key - 1))), lower);
            Assert.Equal(new HashKeyRange(new HashKey((UInt128)key), new HashKey(20)), upper);
        }
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool TrySplitAtThenMerge_AnyKeyInFullRange_RestoresRange(UInt128 key)
    {
        bool split = HashKeyRange.Full.TrySplitAt(new HashKey(key), out HashKeyRange lower, out HashKeyRange upper);
        if (key == 0)
        {
            return !split;
        }

        return split
            && lower.End.Value + 1 == upper.Start.Value
            && HashKeyRange.AreAdjacent(lower, upper)
            && HashKeyRange.AreAdjacent(upper, lower)
            && HashKeyRange.Merge(lower, upper) == HashKeyRange.Full
            && HashKeyRange.Merge(upper, lower) == HashKeyRange.Full;
    }

    [Fact]
    public void AreAdjacent_GapOrOverlap_IsFalseAndMergeThrows()
    {
        var a = new HashKeyRange(new HashKey(0), new HashKey(9));
        var gap = new HashKeyRange(new HashKey(11), new HashKey(20));
        var overlap = new HashKeyRange(new HashKey(9), new HashKey(20));
        var wrapped = new HashKeyRange(new HashKey(UInt128.MaxValue - 5), HashKey.MaxValue);

        Assert.False(HashKeyRange.AreAdjacent(a, gap));
        Assert.False(HashKeyRange.AreAdjacent(a, overlap));
        Assert.False(HashKeyRange.AreAdjacent(wrapped, a)); // Max + 1 does not wrap to 0
        Assert.False(HashKeyRange.AreAdjacent(a, a));
        Assert.False(HashKeyRange.TryMerge(a, gap, out _));
        Assert.Throws<ArgumentException>(() => HashKeyRange.Merge(a, overlap));
    }

    private static bool CoversContiguouslyWithAwsStep(int shardCount)
    {
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(shardCount);
        BigInteger step = s_twoPow128 / shardCount;
        if (ranges.Length != shardCount || ranges[0].Start != HashKey.MinValue || ranges[^1].End != HashKey.MaxValue)
        {
            return false;
        }

        for (int i = 0; i < ranges.Length; i++)
        {
            if ((BigInteger)ranges[i].Start.Value != step * i || ranges[i].Start > ranges[i].End)
            {
                return false;
            }

            if (i > 0 && ranges[i - 1].End.Value + 1 != ranges[i].Start.Value)
            {
                return false;
            }
        }

        return true;
    }

    private static void AssertRange(HashKeyRange range, string start, string end)
    {
        Assert.Equal(start, range.Start.ToString());
        Assert.Equal(end, range.End.ToString());
    }
}
