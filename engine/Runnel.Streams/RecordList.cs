namespace Runnel.Streams;

/// <summary>The <see cref="IRecordSink"/> that keeps each record as a <see cref="KinesisRecord"/> (its data copied):
/// GetRecords' structured answer and SubscribeToShard's events.</summary>
internal sealed class RecordList : List<KinesisRecord>, IRecordSink
{
    public void Write(in RecordView record)
        => Add(new KinesisRecord(record.SequenceNumber, DateTimeOffset.FromUnixTimeMilliseconds(record.ArrivalMs), record.Data.ToArray(),
            record.PartitionKeyText, record.EncryptionType));
}
