namespace Runnel.Streams.Capacity;

/// <summary>
/// The answer of <see cref="ShardThrottle.TryBeginGetRecords"/>: the decision and, when accepted, the most bytes the
/// response may carry. An immutable value.
/// </summary>
/// <param name="Decision">Accepted or why not.</param>
/// <param name="MaxBytes">The response size cap when accepted (the 10 MiB GetRecords limit); 0 when throttled.</param>
public readonly record struct ReadPermit(ReadDecision Decision, long MaxBytes)
{
    /// <summary>Whether the call may proceed.</summary>
    public bool IsAccepted => Decision == ReadDecision.Accepted;
}
