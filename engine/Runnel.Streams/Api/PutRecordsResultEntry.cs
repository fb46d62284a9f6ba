using Runnel.Model;

namespace Runnel.Streams;

/// <summary>One record's outcome in a PutRecords result: a sequence number and shard, or an error.</summary>
public sealed record PutRecordsResultEntry(SequenceNumber? SequenceNumber, ShardId? ShardId, string? ErrorCode, string? ErrorMessage);
