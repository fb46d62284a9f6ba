namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>One traffic step of the mode-switch run, summed up. Rates are MiB/s averaged over the step.</summary>
/// <param name="Step">The step's name.</param>
/// <param name="Mode">The stream's mode during it.</param>
/// <param name="StartMinute">Its first minute.</param>
/// <param name="Minutes">Its length.</param>
/// <param name="Offered">Offered rate.</param>
/// <param name="Accepted">Accepted rate.</param>
/// <param name="ThrottledMinutes">Minutes with any throttling.</param>
/// <param name="OpenShardsStart">Open shards in its first minute.</param>
/// <param name="OpenShardsEnd">Open shards in its last minute.</param>
/// <param name="CapacityStart">The capacity for this traffic in its first minute.</param>
/// <param name="CapacityEnd">The capacity for this traffic in its last minute.</param>
public sealed record ModeSwitchStepSummary(string Step, string Mode, int StartMinute, int Minutes, double Offered, double Accepted, int ThrottledMinutes,
    int OpenShardsStart, int OpenShardsEnd, double CapacityStart, double CapacityEnd);
