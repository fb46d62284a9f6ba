namespace Runnel.Streams.Capacity;

/// <summary>
/// The outcome of a GetRecords admission. Both throttled outcomes map to <c>ProvisionedThroughputExceededException</c>.
/// </summary>
public enum ReadDecision
{
    /// <summary>Admitted; the call was counted and the caller must report the bytes it returns.</summary>
    Accepted,

    /// <summary>Refused: the shard already served its calls for the rolling second.</summary>
    ThrottledCalls,

    /// <summary>Refused: earlier responses are not yet paid for at the read byte rate.</summary>
    ThrottledBytes,
}
