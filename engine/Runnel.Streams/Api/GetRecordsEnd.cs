namespace Runnel.Streams;

/// <summary>
/// What GetRecords answers after the records it gave an <see cref="IRecordSink"/>: NextShardIterator (null exactly
/// when the shard is closed and fully read, and then ChildShards is non-empty), MillisBehindLatest, and the count.
/// </summary>
public sealed record GetRecordsEnd(int Records, string? NextShardIterator, long MillisBehindLatest, IReadOnlyList<ChildShard>? ChildShards);
