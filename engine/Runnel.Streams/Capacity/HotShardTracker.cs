using System.Runtime.InteropServices;

namespace Runnel.Streams.Capacity;

/// <summary>
/// Per-shard incoming rates of an on-demand stream, to find the shards to split: those whose minute-average rate
/// stayed above the split rate ("exceeds 500 KB/s ... split within ~15 minutes") for every minute of a period.
/// </summary>
/// <remarks>
/// Per shard it keeps the bytes of the current minute and the run of consecutive hot minutes (first and last):
/// O(1) memory per shard. A minute without writes breaks the run. Only finished minutes count, so a shard that
/// becomes hot mid-minute qualifies for "sustained for D" between D and D + 2 minutes after it did.
/// Not thread-safe: owned by <see cref="OnDemandCapacity"/> and used under its lock.
/// </remarks>
internal sealed class HotShardTracker
{
    private readonly long _hotBytesPerMinute;
    private readonly Dictionary<int, ShardMinutes> _shards = [];

    public HotShardTracker(long splitBytesPerSecond) => _hotBytesPerMinute = splitBytesPerSecond * 60;

    public int ShardCount => _shards.Count;

    public void Record(long minute, int shardIndex, int bytes)
    {
        ref ShardMinutes shard = ref CollectionsMarshal.GetValueRefOrAddDefault(_shards, shardIndex, out bool exists);
        if (!exists)
        {
            shard = new ShardMinutes { Minute = minute, RunStart = -1, LastHot = -1 };
        }
        Close(ref shard, minute);
        shard.Bytes += bytes;
    }

    public void Forget(int shardIndex) => _shards.Remove(shardIndex);

    /// <summary>Shards hot in every one of the last <paramref name="minutes"/> finished minutes, ascending.</summary>
    public List<int> Sustained(long minute, long minutes)
    {
        minutes = Math.Max(1, minutes);
        var result = new List<int>();
        foreach (int shardIndex in _shards.Keys)
        {
            ref ShardMinutes shard = ref CollectionsMarshal.GetValueRefOrNullRef(_shards, shardIndex);
            Close(ref shard, minute);
            if (shard.RunStart >= 0 && shard.LastHot == minute - 1 && minute - shard.RunStart >= minutes)
            {
                result.Add(shardIndex);
            }
        }
        result.Sort();
        return result;
    }

    private void Close(ref ShardMinutes shard, long minute)
    {
        if (minute <= shard.Minute)
        {
            return;
        }
        if (shard.Bytes > _hotBytesPerMinute)
        {
            if (shard.RunStart < 0 || shard.LastHot != shard.Minute - 1)
            {
                shard.RunStart = shard.Minute;
            }
            shard.LastHot = shard.Minute;
        }
        shard.Minute = minute;
        shard.Bytes = 0;
    }

    /// <summary>One shard's state; a mutable struct updated in place through a dictionary ref.</summary>
    private struct ShardMinutes
    {
        public long Minute;
        public long Bytes;
        public long RunStart;
        public long LastHot;
    }
}
