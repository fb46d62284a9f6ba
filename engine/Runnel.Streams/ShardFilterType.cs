namespace Runnel.Streams;

/// <summary>ListShards filters (wire names: AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST,
/// AT_TIMESTAMP, FROM_TIMESTAMP).</summary>
public enum ShardFilterType
{
    AfterShardId,
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp,
    FromTimestamp,
}
