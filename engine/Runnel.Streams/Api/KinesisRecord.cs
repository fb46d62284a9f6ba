using Runnel.Model;

namespace Runnel.Streams;

/// <summary>A record as GetRecords returns it.</summary>
public sealed record KinesisRecord(
    SequenceNumber SequenceNumber,
    DateTimeOffset ApproximateArrivalTimestamp,
    byte[] Data,
    string PartitionKey,
    string EncryptionType);
