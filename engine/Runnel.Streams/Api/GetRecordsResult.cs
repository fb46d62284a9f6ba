namespace Runnel.Streams;

/// <summary>The GetRecords result. NextShardIterator is null exactly when the shard is closed and fully read, and
/// then ChildShards is non-empty.</summary>
public sealed record GetRecordsResult(
    IReadOnlyList<KinesisRecord> Records,
    string? NextShardIterator,
    long MillisBehindLatest,
    IReadOnlyList<ChildShard>? ChildShards);
