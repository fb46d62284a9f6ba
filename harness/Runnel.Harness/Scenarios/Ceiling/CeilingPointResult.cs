namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>One point's measurement. Rates are over the measured window; totals include warm-up and the final drain.</summary>
/// <param name="Point">The parameters.</param>
/// <param name="DataBytes">Data bytes per record (the record size less the partition key).</param>
/// <param name="WindowSeconds">Length of the measured window.</param>
/// <param name="WindowRecords">Records acknowledged in the window.</param>
/// <param name="RecordsPerSecond">Acknowledged records per second over the window.</param>
/// <param name="MegabytesPerSecond">Acknowledged record bytes (data plus partition key) per second, MB/s (10^6).</param>
/// <param name="Latency">PutRecords call latency (send to acknowledgement of every record), calls completed in the window.</param>
/// <param name="LatencyCdf">The latency CDF, for charts.</param>
/// <param name="RecordsEachSecond">Records acknowledged in each whole second of the window (steadiness).</param>
/// <param name="TotalAcked">Records acknowledged over the whole point.</param>
/// <param name="TotalFailed">Records refused or lost in failed calls over the whole point.</param>
/// <param name="FailedCalls">PutRecords calls that failed as a whole, or had a refused record.</param>
/// <param name="FirstError">The first error seen.</param>
/// <param name="StoredRecords">Records read back from the stream after the point (only with read-back verification).</param>
/// <param name="Inconsistency">Null when the acknowledgements add up (see <see cref="CeilingLedger.Inconsistency"/> and the read-back).</param>
/// <param name="Resources">CPU and disk over the window.</param>
/// <param name="LimitedBy">What bounded the point.</param>
/// <param name="LimitReason">The counters behind <paramref name="LimitedBy"/>.</param>
/// <param name="SetupSeconds">Time to create the stream (its shard logs).</param>
public sealed record CeilingPointResult(
    CeilingPoint Point,
    int DataBytes,
    double WindowSeconds,
    long WindowRecords,
    double RecordsPerSecond,
    double MegabytesPerSecond,
    CeilingPercentiles? Latency,
    IReadOnlyList<CeilingCdfPoint> LatencyCdf,
    IReadOnlyList<long> RecordsEachSecond,
    long TotalAcked,
    long TotalFailed,
    long FailedCalls,
    string? FirstError,
    long? StoredRecords,
    string? Inconsistency,
    CeilingResources Resources,
    CeilingLimit LimitedBy,
    string LimitReason,
    double SetupSeconds)
{
    /// <summary>No refused record, no failed call, and the acknowledgements add up.</summary>
    public bool Clean => TotalFailed == 0 && FailedCalls == 0 && Inconsistency is null;
}
