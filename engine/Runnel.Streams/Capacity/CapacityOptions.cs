namespace Runnel.Streams.Capacity;

/// <summary>
/// Configuration of the capacity rules: the master switch, the per-shard limits and the on-demand model.
/// </summary>
/// <remarks>
/// Immutable, so safe to share between threads. With <see cref="LimitsEnabled"/> off every throttle and quota in
/// this namespace accepts everything (kinesis-api.md 4.2: "for a local emulator make every limit switchable").
/// </remarks>
public sealed record CapacityOptions
{
    /// <summary>AWS limits, enforced.</summary>
    public static CapacityOptions Default { get; } = new();

    /// <summary>No limits: every throttle accepts, every quota allows.</summary>
    public static CapacityOptions Unlimited { get; } = new() { LimitsEnabled = false };

    /// <summary>Whether limits are enforced (default true).</summary>
    public bool LimitsEnabled { get; init; } = true;

    /// <summary>The per-shard limits.</summary>
    public ShardThroughputLimits ShardLimits { get; init; } = ShardThroughputLimits.Kinesis;

    /// <summary>The on-demand scaling model.</summary>
    public OnDemandOptions OnDemand { get; init; } = OnDemandOptions.Default;

    /// <summary>Throws if a value is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(ShardLimits);
        ArgumentNullException.ThrowIfNull(OnDemand);
        ShardLimits.Validate();
        OnDemand.Validate();
    }
}
