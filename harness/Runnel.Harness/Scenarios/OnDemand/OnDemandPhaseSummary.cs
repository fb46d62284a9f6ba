namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>One phase of the ramp, summed up.</summary>
/// <param name="Phase">Its name.</param>
/// <param name="StartMinute">Its first minute.</param>
/// <param name="Minutes">Its length.</param>
/// <param name="Offered">Offered MiB/s.</param>
/// <param name="Accepted">Accepted MiB/s averaged over the phase.</param>
/// <param name="ThrottledGiB">Refused GiB over the phase.</param>
/// <param name="ThrottledMinutes">Minutes with any refusal.</param>
/// <param name="AbsorbedAfterMinutes">Minutes from the phase's start to the first minute after which nothing was refused until its end; null if refusals lasted to the end.</param>
/// <param name="OpenShardsStart">Open shards in its first minute.</param>
/// <param name="OpenShardsEnd">Open shards in its last minute.</param>
/// <param name="ImpliedCapacityEnd">The 2x-peak capacity in its last minute, MiB/s.</param>
public sealed record OnDemandPhaseSummary(string Phase, int StartMinute, int Minutes, double Offered, double Accepted, double ThrottledGiB, int ThrottledMinutes, int? AbsorbedAfterMinutes, int OpenShardsStart, int OpenShardsEnd, double ImpliedCapacityEnd);
