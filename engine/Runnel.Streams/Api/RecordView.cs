using Runnel.Model;

namespace Runnel.Streams;

/// <summary>
/// One record as GetRecords returns it, over the engine's read buffer: valid only during
/// <see cref="IRecordSink.Write"/>. <see cref="PartitionKey"/> is the key's UTF-8 bytes as stored (see
/// <see cref="PartitionKeyText"/> for the string <see cref="KinesisRecord.PartitionKey"/> holds).
/// </summary>
public readonly ref struct RecordView
{
    /// <summary>A view of one record; the spans must outlive it.</summary>
    public RecordView(SequenceNumber sequenceNumber, long arrivalMs, ReadOnlySpan<byte> data, ReadOnlySpan<byte> partitionKey, bool encrypted)
    {
        SequenceNumber = sequenceNumber;
        ArrivalMs = arrivalMs;
        Data = data;
        PartitionKey = partitionKey;
        Encrypted = encrypted;
    }

    /// <summary>The record's sequence number.</summary>
    public SequenceNumber SequenceNumber { get; }

    /// <summary>ApproximateArrivalTimestamp, in Unix milliseconds.</summary>
    public long ArrivalMs { get; }

    /// <summary>The record's data (plaintext).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The partition key's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> PartitionKey { get; }

    /// <summary>True when the record was stored encrypted (EncryptionType KMS), false for NONE.</summary>
    public bool Encrypted { get; }

    /// <summary>The EncryptionType member: KMS or NONE.</summary>
    public string EncryptionType => Encrypted ? "KMS" : "NONE";

    /// <summary>The partition key as a string (invalid UTF-8, which the engine never stores, becomes U+FFFD).</summary>
    public string PartitionKeyText => StreamEngine.DecodePartitionKey(PartitionKey);
}
