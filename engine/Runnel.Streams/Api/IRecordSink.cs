namespace Runnel.Streams;

/// <summary>
/// Takes GetRecords' records one at a time, in sequence order, as the engine reads them from the shard's log: no
/// <see cref="KinesisRecord"/> and no copy of the data per record (the JSON answer base64-encodes each record
/// straight from the log's frame). Called on the reading thread only; the spans of a <see cref="RecordView"/> are
/// valid only during the call.
/// </summary>
public interface IRecordSink
{
    /// <summary>Takes one record (decrypted when it was stored encrypted).</summary>
    void Write(in RecordView record);
}
