using Runnel.Model;

namespace Runnel.Streams;

/// <summary>
/// One event of a SubscribeToShard stream. ContinuationSequenceNumber is null exactly at the end of a closed
/// shard, and then ChildShards is non-empty.
/// </summary>
public sealed record SubscribeToShardEvent(
    IReadOnlyList<KinesisRecord> Records,
    SequenceNumber? ContinuationSequenceNumber,
    long MillisBehindLatest,
    IReadOnlyList<ChildShard>? ChildShards);
