namespace Runnel.Streams.Capacity;

/// <summary>
/// The outcome of a write admission. Both throttled outcomes map to <c>ProvisionedThroughputExceededException</c>
/// (per record in PutRecords); the two are kept apart for the error message and metrics.
/// </summary>
public enum WriteDecision
{
    /// <summary>Admitted; the tokens were taken.</summary>
    Accepted,

    /// <summary>Refused for bytes (data + partition key); nothing was taken.</summary>
    ThrottledBytes,

    /// <summary>Refused for the record count; nothing was taken.</summary>
    ThrottledRecords,
}
