namespace Runnel.Model.Tests;

/// <summary>Hot-path calls must not allocate once warmed up.</summary>
public sealed class AllocationTests
{
    private const int Iterations = 10_000;

    [Fact]
    public void PartitionKeyHasherHash_ShortKey_DoesNotAllocate()
    {
        string key = "user-42|order-7";
        AssertNoAllocation(() => PartitionKeyHasher.Hash(key));
    }

    [Fact]
    public void PartitionKeyHasherHash_200CharKey_DoesNotAllocate()
    {
        string key = string.Concat(Enumerable.Repeat("partition-", 20));
        AssertNoAllocation(() => PartitionKeyHasher.Hash(key));
    }

    [Fact]
    public void PartitionKeyHasherHash_NonAsciiKey_DoesNotAllocate()
    {
        string key = "ключ-键-🔑";
        AssertNoAllocation(() => PartitionKeyHasher.Hash(key));
    }

    [Fact]
    public void PartitionKeyHasherHashMany_PutRecordsSizedBatch_DoesNotAllocate()
    {
        string[] keys = [.. Enumerable.Range(0, 500).Select(i => i % 50 == 0 ? new string('k', 100 + i) : $"user-{i}")];
        var hashes = new HashKey[keys.Length];
        AssertNoAllocation(() =>
        {
            PartitionKeyHasher.Hash(keys, hashes);
            return (int)(hashes[^1].Value & 0xFF);
        });
    }

    [Fact]
    public void ShardMapFindShardIndex_LargeAndSmallMaps_DoNotAllocate()
    {
        ShardMap large = ShardMap.CreateEven(500);
        ShardMap small = ShardMap.CreateEven(3);
        var key = new HashKey(UInt128.MaxValue / 3 * 2);
        AssertNoAllocation(() => large.FindShardIndex(key) + small.FindShardIndex(key));
    }

    [Fact]
    public void SequenceNumberFormatAndParse_RoundTrip_DoesNotAllocate()
    {
        var number = new SequenceNumber(1_700_000_000, 12345, 17, 987_654_321);
        char[] buffer = new char[SequenceNumber.FormattedLength];
        AssertNoAllocation(() =>
        {
            number.TryFormat(buffer, out int written);
            return SequenceNumber.TryParse(buffer.AsSpan(0, written), out SequenceNumber parsed) == SequenceNumberParseStatus.Ok
                ? (int)parsed.Counter
                : -1;
        });
    }

    [Fact]
    public void HashKeyTryFormatAndTryParse_MaxValue_DoNotAllocate()
    {
        char[] buffer = new char[HashKey.MaxDigits];
        AssertNoAllocation(() =>
        {
            HashKey.MaxValue.TryFormat(buffer, out int written);
            return HashKey.TryParse(buffer.AsSpan(0, written), out HashKey parsed) ? (int)(parsed.Value & 0xFF) : -1;
        });
    }

    [Fact]
    public void ShardIdTryFormatAndTryParse_RoundTrip_DoNotAllocate()
    {
        char[] buffer = new char[ShardId.FormattedLength];
        var id = new ShardId(123);
        AssertNoAllocation(() =>
        {
            id.TryFormat(buffer, out int written);
            return ShardId.TryParse(buffer.AsSpan(0, written), out ShardId parsed) ? parsed.Value : -1;
        });
    }

    private static void AssertNoAllocation<T>(Func<T> operation)
    {
        // Warm up past tiered compilation so the measured loop runs the optimised code.
        for (int i = 0; i < Iterations; i++)
        {
            operation();
        }

        // A one-off runtime allocation (tier-up, stub patching) can land in a window; a real per-call allocation
        // shows up in every window as at least Iterations * 24 bytes. So pass on the first clean window.
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Iterations; i++)
            {
                operation();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }
}
