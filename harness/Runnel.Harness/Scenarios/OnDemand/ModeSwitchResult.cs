namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>The raw outcome of a <see cref="ModeSwitchRun"/>.</summary>
/// <param name="Minutes">Every minute with traffic (idle stretches are not listed).</param>
/// <param name="Attempts">Every UpdateStreamMode call.</param>
/// <param name="SplitMinutes">The minute at which each split was seen, and the mode then.</param>
public sealed record ModeSwitchResult(IReadOnlyList<ModeSwitchMinute> Minutes, IReadOnlyList<ModeSwitchAttempt> Attempts, IReadOnlyList<KeyValuePair<int, string>> SplitMinutes);
