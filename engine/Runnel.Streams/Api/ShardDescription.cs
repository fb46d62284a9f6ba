using Runnel.Model;

namespace Runnel.Streams;

/// <summary>A shard as DescribeStream and ListShards return it. EndingSequenceNumber is null while open.</summary>
public sealed record ShardDescription(
    ShardId ShardId,
    ShardId? ParentShardId,
    ShardId? AdjacentParentShardId,
    HashKeyRange HashKeyRange,
    SequenceNumber StartingSequenceNumber,
    SequenceNumber? EndingSequenceNumber);
