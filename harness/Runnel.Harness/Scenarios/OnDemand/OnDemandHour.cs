namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>One simulated hour of the <c>on-demand</c> run. Rates are MiB/s averaged over the hour.</summary>
/// <param name="Hour">Hours since the stream was created.</param>
/// <param name="Phase">The phase at the hour's start (and, after a slash, at its end when it changed).</param>
/// <param name="Offered">Offered write rate.</param>
/// <param name="Accepted">Accepted write rate.</param>
/// <param name="Throttled">Refused write rate.</param>
/// <param name="ThrottledMinutes">Minutes of the hour with any refusal.</param>
/// <param name="OpenShardsEnd">Open shards at the hour's end.</param>
/// <param name="Splits">Shard splits during the hour.</param>
/// <param name="ImpliedCapacityEnd">The stream rule's capacity at the hour's end: max(4, 2 x effective peak).</param>
/// <param name="PeakEnd">The effective 30-day peak (largest minute average, at least 15 minutes old) at the hour's end.</param>
public sealed record OnDemandHour(int Hour, string Phase, double Offered, double Accepted, double Throttled, int ThrottledMinutes, int OpenShardsEnd, int Splits, double ImpliedCapacityEnd, double PeakEnd);
