using Runnel.Model;

namespace Runnel.Streams.Shards;

/// <summary>
/// An immutable routing snapshot of a stream: its open shards and the map from hash key to shard. Replaced
/// whole on resharding; puts read it without a lock.
/// </summary>
internal sealed class StreamTopology
{
    private readonly ShardState[] _byIndex;

    public StreamTopology(IReadOnlyList<ShardState> openShards)
    {
        var entries = new (HashKeyRange Range, int ShardIndex)[openShards.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = (openShards[i].Range, openShards[i].Index);
        }
        Map = new ShardMap(entries);
        int max = 0;
        foreach (ShardState shard in openShards)
        {
            max = Math.Max(max, shard.Index);
        }
        _byIndex = new ShardState[max + 1];
        foreach (ShardState shard in openShards)
        {
            _byIndex[shard.Index] = shard;
        }
        OpenShards = openShards;
    }

    public ShardMap Map { get; }

    public IReadOnlyList<ShardState> OpenShards { get; }

    /// <summary>The open shard owning <paramref name="key"/>.</summary>
    public ShardState Route(HashKey key) => _byIndex[Map.FindShardIndex(key)];
}
