namespace Runnel.Streams.Capacity;

/// <summary>
/// The per-shard throughput limits of a Kinesis shard (kinesis-api.md 4.1): writes 1 MiB/s (data + partition key
/// bytes) and 1 000 records/s; shared GetRecords reads 2 MiB/s and 5 calls/s; at most 10 MiB per GetRecords response.
/// </summary>
/// <remarks>Immutable, so safe to share between threads. <see cref="Kinesis"/> is the AWS value set.</remarks>
public sealed record ShardThroughputLimits
{
    /// <summary>One mebibyte, the unit Kinesis limits are written in.</summary>
    public const int MiB = 1024 * 1024;

    /// <summary>The AWS limits.</summary>
    public static ShardThroughputLimits Kinesis { get; } = new();

    /// <summary>Write bytes per second (data + partition key). Also the write byte bucket's size: 1 second of burst.</summary>
    public long WriteBytesPerSecond { get; init; } = MiB;

    /// <summary>Records per second. Also the record bucket's size.</summary>
    public int WriteRecordsPerSecond { get; init; } = 1000;

    /// <summary>GetRecords bytes per second, charged after each response.</summary>
    public long ReadBytesPerSecond { get; init; } = 2 * MiB;

    /// <summary>GetRecords calls in any rolling second.</summary>
    public int ReadCallsPerSecond { get; init; } = 5;

    /// <summary>The largest GetRecords response.</summary>
    public long MaxGetRecordsBytes { get; init; } = 10 * MiB;

    /// <summary>Throws if a value is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WriteBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WriteRecordsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReadBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReadCallsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxGetRecordsBytes);
    }
}
