using System.Globalization;
using Runnel.Model;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// The records of one point: fixed-length partition keys chosen so that record <c>i</c> of the run lands on shard
/// <c>i mod shards</c> of AWS's initial even split (every shard gets the same load; the engine still hashes every key
/// itself), and a constant random data blob sized so that data plus key is the point's record size. Immutable.
/// </summary>
public sealed class CeilingWorkload
{
    /// <summary>Characters (and UTF-8 bytes) of every partition key.</summary>
    public const int KeyLength = 12;

    /// <summary>The largest record Kinesis accepts by default: 1 MiB of data plus partition key.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    private const int KeysPerShard = 4;

    private readonly string[][] _keys;

    /// <summary>The workload of <paramref name="shards"/> shards and <paramref name="recordBytes"/>-byte records.</summary>
    public CeilingWorkload(int shards, int recordBytes, int batchRecords)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(recordBytes, KeyLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchRecords);
        Shards = shards;
        BatchRecords = batchRecords;
        Data = new byte[recordBytes - KeyLength];
        new Random(20261126).NextBytes(Data);
        _keys = KeysByShard(shards);
    }

    /// <summary>Open shards.</summary>
    public int Shards { get; }

    /// <summary>Records per PutRecords call.</summary>
    public int BatchRecords { get; }

    /// <summary>The data blob of every record.</summary>
    public byte[] Data { get; }

    /// <summary>Bytes per record as Kinesis counts them (data plus partition key).</summary>
    public int RecordBytes => Data.Length + KeyLength;

    /// <summary>
    /// How many distinct batches cover every shard evenly: batch <c>b</c> starts at shard <c>b * BatchRecords mod
    /// Shards</c>, so <c>Shards / gcd</c> batches come back to the start (capped; the run cycles through them).
    /// </summary>
    public int DistinctBatches(int cap) => Math.Max(1, Math.Min(cap, Shards / Gcd(BatchRecords, Shards)));

    /// <summary>The partition key of record <paramref name="record"/> of batch <paramref name="batch"/>.</summary>
    public string Key(int batch, int record)
    {
        long index = ((long)batch * BatchRecords) + record;
        int shard = (int)(index % Shards);
        long round = index / Shards;
        return _keys[shard][round % KeysPerShard];
    }

    /// <summary>The shard (index in the even split) that <paramref name="key"/> routes to.</summary>
    public static int ShardOf(HashKeyRange[] ranges, string key)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        HashKey hash = PartitionKeyHasher.Hash(key);
        int low = 0, high = ranges.Length - 1;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (hash > ranges[middle].End)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private static string[][] KeysByShard(int shards)
    {
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(shards);
        var keys = new List<string>[shards];
        for (int s = 0; s < shards; s++)
        {
            keys[s] = new List<string>(KeysPerShard);
        }
        int missing = shards;
        for (long n = 0; missing > 0; n++)
        {
            string key = "k" + n.ToString("D11", CultureInfo.InvariantCulture);
            List<string> bucket = keys[ShardOf(ranges, key)];
            if (bucket.Count < KeysPerShard)
            {
                bucket.Add(key);
                if (bucket.Count == KeysPerShard)
                {
                    missing--;
                }
            }
        }
        return [.. keys.Select(k => k.ToArray())];
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
