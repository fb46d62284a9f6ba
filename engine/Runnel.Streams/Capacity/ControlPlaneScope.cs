namespace Runnel.Streams.Capacity;

/// <summary>What one control-plane rate limit is counted over.</summary>
public enum ControlPlaneScope
{
    /// <summary>One bucket per operation for the whole account (and region).</summary>
    Account,

    /// <summary>One bucket per operation and stream ("per stream" in kinesis-api.md 4.2).</summary>
    Stream,

    /// <summary>A data-plane operation: limited per shard or consumer elsewhere (<see cref="ShardThrottle"/>).</summary>
    DataPlane,
}
