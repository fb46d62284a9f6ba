namespace Runnel.Streams.Metrics;

/// <summary>
/// Series that stop being reported: every series of a stream that was deleted (<see cref="WholeStream"/>), or the
/// shard-level series of <see cref="ShardLevel"/> metrics, for one shard (<see cref="ShardId"/>, when it expired) or
/// for every shard (null, when DisableEnhancedMonitoring turned them off). A collector drops them, so a stream created
/// again under the same name, or monitoring turned on again, counts from zero.
/// </summary>
public readonly record struct MetricsRetirement(string StreamName, bool WholeStream, string? ShardId, ShardLevelMetrics ShardLevel)
{
    /// <summary>True when the series with these labels and this shard-level switch are retired.</summary>
    public bool Covers(string streamName, string? shardId, ShardLevelMetrics flag)
    {
        if (!string.Equals(streamName, StreamName, StringComparison.Ordinal))
        {
            return false;
        }
        if (WholeStream)
        {
            return true;
        }
        return shardId is not null && (flag & ShardLevel) != 0 && (ShardId is null || string.Equals(shardId, ShardId, StringComparison.Ordinal));
    }
}
