namespace Runnel.Storage.Log;

/// <summary>The outcome of adding one record to an <see cref="AppendBatch"/>.</summary>
public enum AppendBatchStatus
{
    /// <summary>The record is in the log's ring, after the batch's earlier records; the batch's ack covers it.</summary>
    Added,

    /// <summary>
    /// The log is full of uncommitted records: nothing was taken. Wait for <see cref="ShardLog.WhenTakenAsync"/> and add
    /// again, or answer the record as throttled; the batch stays open either way.
    /// </summary>
    Full,

    /// <summary>
    /// Not taken, and not for a batch: the record is too long for the ring (or for a frame), or the log is closed or
    /// failed. Append it with <see cref="ShardLog.TryAppend(ReadOnlySpan{byte}, Model.HashKey?, ReadOnlySpan{byte}, out ValueTask{AppendResult})"/>,
    /// which gives it its own acknowledgement (or error) and keeps it in claim order between the batch's records.
    /// </summary>
    AppendAlone,
}
