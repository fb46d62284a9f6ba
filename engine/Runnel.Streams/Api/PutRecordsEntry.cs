namespace Runnel.Streams;

/// <summary>One record of a PutRecords request.</summary>
public sealed record PutRecordsEntry(ReadOnlyMemory<byte> Data, string PartitionKey, string? ExplicitHashKey = null);
