using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>What one <see cref="ShardLimitsCase"/> measured over its simulated run. Rates are per simulated second, in <see cref="Unit"/>.</summary>
/// <param name="Case">The case's name.</param>
/// <param name="Operation">PutBytes, PutRecords, GetCalls or GetBytes.</param>
/// <param name="Factor">Offered load as a multiple of the targeted limit.</param>
/// <param name="RecordBytes">Bytes per record (data + partition key).</param>
/// <param name="Seconds">Simulated seconds measured.</param>
/// <param name="Unit">The unit of the rates: MiB/s, records/s or calls/s.</param>
/// <param name="Offered">The client's demand (new records, or nominal calls or bytes), not counting retries.</param>
/// <param name="Attempted">What reached the engine, retries of throttled records or calls included.</param>
/// <param name="Accepted">What the engine accepted (puts) or returned (reads), over the whole run.</param>
/// <param name="AcceptedSteady">The same over seconds 10 to the end, after the initial 1-second burst of a full bucket.</param>
/// <param name="Limit">The limit that binds for this record size, in <see cref="Unit"/>.</param>
/// <param name="BindingLimit">Which limit binds, in words.</param>
/// <param name="AcceptedBytesPerSecond">Accepted (puts) or returned (reads) bytes per second.</param>
/// <param name="AcceptedRecordsPerSecond">Accepted or returned records per second.</param>
/// <param name="Calls">PutRecords or GetRecords calls made.</param>
/// <param name="ThrottledCalls">Calls refused (GetRecords) or with at least one refused record (PutRecords).</param>
/// <param name="ThrottledRecords">Records refused with ProvisionedThroughputExceededException (puts; retried by the client).</param>
/// <param name="Backlog">Records still waiting for a retry at the end (puts).</param>
/// <param name="Check">The 2 % check, or the everything-accepted check at 0.5x.</param>
public sealed record ShardLimitsResult(
    string Case,
    string Operation,
    double Factor,
    int RecordBytes,
    int Seconds,
    string Unit,
    double Offered,
    double Attempted,
    double Accepted,
    double AcceptedSteady,
    double Limit,
    string BindingLimit,
    double AcceptedBytesPerSecond,
    double AcceptedRecordsPerSecond,
    long Calls,
    long ThrottledCalls,
    long ThrottledRecords,
    long Backlog,
    ScenarioCheck Check)
{
    /// <summary>The case second by second, for the run directory's chart (not in the --json report).</summary>
    [JsonIgnore]
    public ShardLimitsSeries? Series { get; init; }
}

/// <summary>A <see cref="ShardLimitsResult"/> second by second, in its unit: element i is simulated second i.</summary>
/// <param name="Offered">New demand (records, calls or bytes the client wanted), retries not counted.</param>
/// <param name="Attempted">What reached the engine, retries included.</param>
/// <param name="Accepted">What the engine accepted or returned.</param>
public sealed record ShardLimitsSeries(double[] Offered, double[] Attempted, double[] Accepted);
