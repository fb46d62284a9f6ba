namespace Runnel.Streams;

/// <summary>The ListShards input (kinesis-api.md 2.2). NextToken excludes the stream, ExclusiveStartShardId and
/// StreamCreationTimestamp.</summary>
public sealed record ListShardsRequest(
    StreamRef Stream,
    string? NextToken = null,
    string? ExclusiveStartShardId = null,
    int? MaxResults = null,
    DateTimeOffset? StreamCreationTimestamp = null,
    ShardFilterType? FilterType = null,
    string? FilterShardId = null,
    DateTimeOffset? FilterTimestamp = null);
