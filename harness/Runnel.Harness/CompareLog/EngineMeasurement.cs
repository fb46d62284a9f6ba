namespace Runnel.Harness.CompareLog;

/// <summary>What one engine did in one round of one case. Megabytes are 10^6 bytes of record data (payload).</summary>
/// <param name="Records">Records made durable (or read, for a scan).</param>
/// <param name="PayloadBytes">Bytes of record data in them (partition keys and frame headers not counted).</param>
/// <param name="StoredBytes">Bytes the engine wrote or read on disk for them (frames, headers, padding).</param>
/// <param name="Seconds">From the first append to the last durable ack (or the whole scan).</param>
/// <param name="P50Microseconds">Median ack latency, when measured.</param>
/// <param name="P99Microseconds">99th percentile ack latency, when measured.</param>
/// <param name="P999Microseconds">99.9th percentile ack latency, when measured.</param>
/// <param name="LatencySamples">How many acks the percentiles come from.</param>
public sealed record EngineMeasurement(
    long Records,
    long PayloadBytes,
    long StoredBytes,
    double Seconds,
    double? P50Microseconds,
    double? P99Microseconds,
    double? P999Microseconds,
    long LatencySamples)
{
    /// <summary>Records per second.</summary>
    public double RecordsPerSecond => Seconds > 0 ? Records / Seconds : 0;

    /// <summary>Record data in MB/s (10^6 bytes).</summary>
    public double PayloadMegabytesPerSecond => Seconds > 0 ? PayloadBytes / Seconds / 1e6 : 0;

    /// <summary>Bytes on disk in MB/s (10^6 bytes).</summary>
    public double StoredMegabytesPerSecond => Seconds > 0 ? StoredBytes / Seconds / 1e6 : 0;

    /// <summary>A measurement with its latencies taken from <paramref name="latency"/>.</summary>
    public static EngineMeasurement Create(long records, long payloadBytes, long storedBytes, double seconds, LatencyHistogram? latency) =>
        new(records, payloadBytes, storedBytes, seconds,
            latency?.PercentileMicroseconds(50), latency?.PercentileMicroseconds(99), latency?.PercentileMicroseconds(99.9),
            latency?.Count ?? 0);
}
