namespace Runnel.Storage.Log;

/// <summary>An acknowledged append: the record is durable with this sequence and arrival time.</summary>
/// <param name="Sequence">The record's shard-local sequence (the counter part of its Kinesis sequence number).</param>
/// <param name="TimestampMs">The record's arrival time in Unix milliseconds.</param>
public readonly record struct AppendResult(ulong Sequence, long TimestampMs);
