namespace Runnel.Streams.Capacity;

/// <summary>
/// The on-demand (Standard) scaling model of kinesis-api.md 5.2, as numbers. See <see cref="OnDemandCapacity"/> for
/// how they are used.
/// </summary>
/// <remarks>Immutable, so safe to share between threads.</remarks>
public sealed record OnDemandOptions
{
    /// <summary>The AWS values.</summary>
    public static OnDemandOptions Default { get; } = new();

    /// <summary>Write capacity of a new stream and the floor forever after: 4 MiB/s (4 shards).</summary>
    public long BaselineWriteBytesPerSecond { get; init; } = 4L * ShardThroughputLimits.MiB;

    /// <summary>Capacity is this multiple of the peak: "accommodates up to 2x the peak write throughput".</summary>
    public int PeakMultiplier { get; init; } = 2;

    /// <summary>How far back the peak is taken: "observed in the previous 30 days".</summary>
    public TimeSpan PeakWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long a new peak takes to raise capacity: "exceeding 2x previous peak within 15 minutes can throttle".</summary>
    public TimeSpan ScalingDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The ceiling (10 GiB/s in us-east-1, us-west-2, eu-west-1; 200 MB/s elsewhere).</summary>
    public long MaxWriteBytesPerSecond { get; init; } = 10L * 1024 * ShardThroughputLimits.MiB;

    /// <summary>
    /// A shard is split when its incoming rate stays above this: "exceeds 500 KB/s". Read as KiB, like the rest of the
    /// Kinesis documentation's "MB" (which is MiB): 512 000 bytes/s, half a shard's write limit.
    /// </summary>
    public long ShardSplitBytesPerSecond { get; init; } = 500 * 1024;

    /// <summary>How long a shard must stay above the split rate before it is split: "within ~15 minutes".</summary>
    public TimeSpan ShardSplitDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Throws if a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BaselineWriteBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PeakMultiplier);
        ArgumentOutOfRangeException.ThrowIfLessThan(PeakWindow, TimeSpan.FromHours(1));
        ArgumentOutOfRangeException.ThrowIfNegative(ScalingDelay.Ticks, nameof(ScalingDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWriteBytesPerSecond, BaselineWriteBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ShardSplitBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(ShardSplitDelay.Ticks, nameof(ShardSplitDelay));
    }
}
