namespace Runnel.Streams.Capacity;

/// <summary>
/// The quota on UpdateStreamMode for one stream: at most 2 capacity-mode switches per rolling 24 h
/// (kinesis-api.md 4.1 and 5.2: "Switching modes: &lt;=2 per 24 h per stream").
/// </summary>
/// <remarks>
/// The engine calls <see cref="TryRecordSwitch"/> when it is about to switch and answers
/// <c>LimitExceededException</c> on false. Thread-safe. With <see cref="CapacityOptions.LimitsEnabled"/> off every
/// switch is allowed (and still counted, so <see cref="Count"/> stays meaningful).
/// </remarks>
public sealed class CapacityModeSwitchTracker
{
    /// <summary>Switches allowed per window.</summary>
    public const int MaxSwitches = 2;

    private readonly RollingWindowCounter _switches;
    private readonly bool _enabled;

    /// <summary>Creates the tracker of one stream, with no switches yet.</summary>
    public CapacityModeSwitchTracker(TimeProvider timeProvider, CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _switches = new RollingWindowCounter(timeProvider, MaxSwitches, Window);
        _enabled = options.LimitsEnabled;
    }

    /// <summary>The rolling window: 24 hours.</summary>
    public static TimeSpan Window { get; } = TimeSpan.FromHours(24);

    /// <summary>Switches in the last 24 hours (up to <see cref="MaxSwitches"/>).</summary>
    public int Count => _switches.Count;

    /// <summary>How long until another switch is allowed (zero if now).</summary>
    public TimeSpan RetryAfter => _enabled ? _switches.RetryAfter : TimeSpan.Zero;

    /// <summary>Records a switch now; false (nothing recorded) when 2 already happened in the last 24 h.</summary>
    public bool TryRecordSwitch() => _switches.TryRecord() || !_enabled;
}
