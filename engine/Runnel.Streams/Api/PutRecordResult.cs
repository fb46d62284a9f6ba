using Runnel.Model;

namespace Runnel.Streams;

/// <summary>The PutRecord result.</summary>
public sealed record PutRecordResult(ShardId ShardId, SequenceNumber SequenceNumber, string EncryptionType);
