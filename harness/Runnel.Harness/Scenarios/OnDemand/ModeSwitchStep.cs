using Runnel.Streams;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>
/// One step of the <c>on-demand</c> mode-switch script: traffic for some minutes, an idle stretch (the clock jumps,
/// nothing is sent), or an UpdateStreamMode call.
/// </summary>
/// <param name="Name">What the step is, e.g. <c>provisioned, 3 MiB/s</c>.</param>
/// <param name="Minutes">Simulated minutes of traffic or idleness (0 for a switch).</param>
/// <param name="MiBps">The offered write rate during traffic.</param>
/// <param name="SwitchTo">For a switch: the mode asked for.</param>
/// <param name="ExpectRefused">For a switch: whether the 2-per-24-hours rule should refuse it.</param>
public sealed record ModeSwitchStep(string Name, int Minutes, double MiBps, StreamMode? SwitchTo = null, bool ExpectRefused = false)
{
    /// <summary>Shards of the stream when it is created (PROVISIONED).</summary>
    public const int InitialShards = 2;

    /// <summary>Whether this step sends nothing and only moves the clock.</summary>
    public bool Idle => SwitchTo is null && MiBps == 0;

    /// <summary>
    /// The script: a 2-shard PROVISIONED stream offered 3 MiB/s (held to 2 MiB/s by its shards) for 30 minutes; switched
    /// to ON_DEMAND, where maintenance splits the busy shards until 3 MiB/s fits; switched back to PROVISIONED with the
    /// shards it grew, then offered 12 MiB/s (held to one MiB/s per shard); a third switch within 24 hours (refused),
    /// another 1 minute before the first switch is 24 hours old (refused), one at 24 hours (allowed, to ON_DEMAND under
    /// 12 MiB/s) and 45 minutes of on-demand scaling after it.
    /// </summary>
    public static IReadOnlyList<ModeSwitchStep> Script { get; } =
    [
        new("provisioned, 3 MiB/s", 30, 3),
        new("switch 1: to ON_DEMAND", 0, 0, StreamMode.OnDemand),
        new("on-demand, 3 MiB/s", 60, 3),
        new("switch 2: to PROVISIONED", 0, 0, StreamMode.Provisioned),
        new("provisioned again, 3 MiB/s", 20, 3),
        new("provisioned again, 12 MiB/s", 20, 12),
        new("switch 3: to ON_DEMAND, 100 min after switch 1", 0, 0, StreamMode.OnDemand, ExpectRefused: true),
        new("idle", (24 * 60) - 101, 0),
        new("switch 4: to ON_DEMAND, 23 h 59 min after switch 1", 0, 0, StreamMode.OnDemand, ExpectRefused: true),
        new("idle", 1, 0),
        new("switch 5: to ON_DEMAND, 24 h after switch 1", 0, 0, StreamMode.OnDemand),
        new("on-demand again, 12 MiB/s", 45, 12),
    ];
}
