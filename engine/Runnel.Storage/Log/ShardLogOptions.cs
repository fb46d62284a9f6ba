namespace Runnel.Storage.Log;

/// <summary>Configuration of one <see cref="ShardLog"/>.</summary>
public sealed record ShardLogOptions
{
    /// <summary>A segment rolls when the next batch would take it past this size (default 128 MiB).</summary>
    public long SegmentMaxBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>A segment rolls when it is older than this, so that retention can drop whole segments (default 1 h).</summary>
    public TimeSpan SegmentMaxAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Records older than this may be removed, a whole segment at a time (default 24 h, Kinesis's default).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Bytes of frames between two sparse index entries (default 4 KiB).</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>Bytes of appended, not yet committed frames beyond which appends are refused (default 64 MiB).</summary>
    public int MaxPendingBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Bytes of the lock-free ring producers frame their records into (default 1 MiB, rounded down to a power of two
    /// and to at most <see cref="MaxPendingBytes"/>). Allocated on a log's first append and given back when a closed
    /// shard goes idle. A larger ring lets producers keep appending through a longer commit (fewer, larger rounds
    /// for a log that streams) at that much memory per written shard.
    /// </summary>
    public int AppendRingBytes { get; init; } = DefaultAppendRingBytes;

    /// <summary>The default <see cref="AppendRingBytes"/>: 1 MiB.</summary>
    public const int DefaultAppendRingBytes = 1024 * 1024;

    /// <summary>An identifier written into segment headers (the shard index), for people reading files.</summary>
    public uint LogId { get; init; }

    /// <summary>
    /// The commit loops the log's appends are committed by, together with other logs' (default
    /// <see cref="LogCommitter.Shared"/>: one loop per core); null gives the log a writer of its own on the thread
    /// pool, which commits it alone.
    /// </summary>
    public LogCommitter? Committer { get; init; } = LogCommitter.Shared;

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> on a bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentMaxBytes, 4096L, nameof(SegmentMaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SegmentMaxAge, TimeSpan.Zero, nameof(SegmentMaxAge));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Retention, TimeSpan.Zero, nameof(Retention));
        ArgumentOutOfRangeException.ThrowIfLessThan(IndexIntervalBytes, 64, nameof(IndexIntervalBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingBytes, 64 * 1024, nameof(MaxPendingBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(AppendRingBytes, 64 * 1024, nameof(AppendRingBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AppendRingBytes, 64 * 1024 * 1024, nameof(AppendRingBytes));
    }
}
