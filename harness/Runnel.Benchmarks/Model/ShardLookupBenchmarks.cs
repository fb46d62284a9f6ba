using BenchmarkDotNet.Attributes;
using Runnel.Model;

namespace Runnel.Benchmarks.Model;

/// <summary>
/// Hash key to shard index through <see cref="ShardMap.FindShardIndex"/> on an evenly split stream
/// (<see cref="HashKeyRange.SplitEvenly"/>). The keys are uniformly random, like MD5 output, so the branches of the
/// search are unpredictable as in production; the result is reported per lookup.
/// </summary>
[BenchmarkCategory(Categories.Routing)]
public class ShardLookupBenchmarks
{
    private const int KeyCount = 1024;

    private ShardMap _map = null!;
    private HashKey[] _keys = [];

    /// <summary>Open shards in the stream.</summary>
    [Params(1, 16, 1024)]
    public int ShardCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(ShardCount);
        var shards = new (HashKeyRange Range, int ShardIndex)[ranges.Length];
        for (int i = 0; i < ranges.Length; i++)
        {
            shards[i] = (ranges[i], i);
        }
        _map = new ShardMap(shards);

        var random = new Random(ShardCount);
        Span<byte> bytes = stackalloc byte[16];
        _keys = new HashKey[KeyCount];
        for (int i = 0; i < _keys.Length; i++)
        {
            random.NextBytes(bytes);
            _keys[i] = new HashKey(BitConverter.ToUInt128(bytes));
            if (!ranges[_map.FindShardIndex(_keys[i])].Contains(_keys[i]))
            {
                throw new InvalidOperationException("ShardMap routed a key outside its shard's range.");
            }
        }
    }

    /// <summary>Looks up every precomputed key; returns the sum of shard indexes so no lookup is dead code.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int FindShardIndex()
    {
        ShardMap map = _map;
        HashKey[] keys = _keys;
        int sum = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            sum += map.FindShardIndex(keys[i]);
        }
        return sum;
    }
}
