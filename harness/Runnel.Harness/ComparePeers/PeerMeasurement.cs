namespace Runnel.Harness.ComparePeers;

/// <summary>
/// What one target did in one workload: the timed write phase (records acknowledged by PutRecords, failures, put
/// latencies), the records written during warm-up, and the read-back (every shard from TRIM_HORIZON until caught up).
/// The rates are derived here and only here, so the table, the JSON and the checks agree.
/// </summary>
public sealed record PeerMeasurement
{
    /// <summary>Bytes in a megabyte as reported (MB/s = 10^6 bytes of record data per second).</summary>
    public const double BytesPerMegabyte = 1_000_000;

    /// <summary>Records acknowledged (in a 200 answer, without an ErrorCode) during the timed phase.</summary>
    public required long WriteRecords { get; init; }

    /// <summary>Record data bytes acknowledged during the timed phase.</summary>
    public required long WriteBytes { get; init; }

    /// <summary>From the first timed call to the last answer of the timed phase (calls in flight at the deadline included).</summary>
    public required double WriteSeconds { get; init; }

    /// <summary>Records acknowledged during warm-up (read back too, not in the write rate).</summary>
    public required long WarmupRecords { get; init; }

    /// <summary>Records refused inside a 200 answer (an ErrorCode in the PutRecords result), warm-up included.</summary>
    public required long FailedRecords { get; init; }

    /// <summary>Calls that failed as a whole (a non-200 answer or a transport error), warm-up included.</summary>
    public required long FailedCalls { get; init; }

    /// <summary>Successful PutRecords calls of the timed phase.</summary>
    public required long Calls { get; init; }

    /// <summary>Median PutRecords latency of the timed phase's successful calls, in milliseconds; null without any.</summary>
    public required double? P50Milliseconds { get; init; }

    /// <summary>99th percentile PutRecords latency, in milliseconds; null without any successful call.</summary>
    public required double? P99Milliseconds { get; init; }

    /// <summary>Records read back from all shards.</summary>
    public required long ReadRecords { get; init; }

    /// <summary>Record data bytes read back.</summary>
    public required long ReadBytes { get; init; }

    /// <summary>From the first GetShardIterator to the last shard caught up.</summary>
    public required double ReadSeconds { get; init; }

    /// <summary>GetRecords calls made by the read-back.</summary>
    public required long ReadCalls { get; init; }

    /// <summary>Why the read-back stopped early (an error answer, a timeout); null when every shard caught up.</summary>
    public string? ReadError { get; init; }

    /// <summary>CPU seconds the target's process used during the timed phase (0 when it could not be read).</summary>
    public double ServerCpuSeconds { get; init; }

    /// <summary>CPU seconds the harness (the load generator) used during the timed phase.</summary>
    public double GeneratorCpuSeconds { get; init; }

    /// <summary>CPU seconds the target's process used during the read-back.</summary>
    public double ReadServerCpuSeconds { get; init; }

    /// <summary>CPU seconds the harness used during the read-back (parsing the GetRecords answers).</summary>
    public double ReadGeneratorCpuSeconds { get; init; }

    /// <summary>The first failure seen (an error type, a transport failure), for the report; null when nothing failed.</summary>
    public string? FirstFailure { get; init; }

    /// <summary>Records acknowledged in all (warm-up and timed phase): what the read-back must find.</summary>
    public long AcknowledgedRecords => WarmupRecords + WriteRecords;

    /// <summary>Acknowledged records per second of the timed phase.</summary>
    public double WriteRecordsPerSecond => Rate(WriteRecords, WriteSeconds);

    /// <summary>Acknowledged data MB per second of the timed phase.</summary>
    public double WriteMegabytesPerSecond => Rate(WriteBytes, WriteSeconds) / BytesPerMegabyte;

    /// <summary>Records read back per second.</summary>
    public double ReadRecordsPerSecond => Rate(ReadRecords, ReadSeconds);

    /// <summary>Data MB read back per second.</summary>
    public double ReadMegabytesPerSecond => Rate(ReadBytes, ReadSeconds) / BytesPerMegabyte;

    /// <summary>
    /// The target's CPU microseconds per record acknowledged in the timed phase: how much work a record costs it,
    /// a figure that depends less on what else the machine runs than the rates do.
    /// </summary>
    public double ServerCpuMicrosecondsPerRecord => WriteRecords > 0 ? ServerCpuSeconds * 1e6 / WriteRecords : 0;

    /// <summary>Calls and records that failed, in all.</summary>
    public long Failures => FailedCalls + FailedRecords;

    /// <summary>Whether the read-back found exactly the records acknowledged, and finished.</summary>
    public bool ReadMatchesAcknowledged => ReadError is null && ReadRecords == AcknowledgedRecords;

    private static double Rate(long amount, double seconds) => seconds > 0 ? amount / seconds : 0;
}
