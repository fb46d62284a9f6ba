namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>One simulated minute of traffic in the <c>on-demand</c> mode-switch run. Rates are MiB/s averaged over the minute, data plus keys.</summary>
/// <param name="Minute">Minutes since the stream was created.</param>
/// <param name="Step">The script step's name.</param>
/// <param name="Mode">PROVISIONED or ON_DEMAND during the minute.</param>
/// <param name="Offered">Offered write rate.</param>
/// <param name="Accepted">Accepted write rate.</param>
/// <param name="Throttled">Refused write rate (not retried).</param>
/// <param name="OpenShards">Open shards during the minute.</param>
/// <param name="ShardCapacity">What the open shards can take of this traffic: the sum over shards of min(share, 1 MiB/s).</param>
/// <param name="OnDemandCapacity">ON_DEMAND only: max(4 MiB/s, the shards kept at the switch x 1 MiB/s, 2 x the largest minute accepted since the switch to ON_DEMAND that ended at least 15 minutes ago).</param>
/// <param name="Expected">min(offered, shard capacity, on-demand capacity when ON_DEMAND).</param>
public sealed record ModeSwitchMinute(int Minute, string Step, string Mode, double Offered, double Accepted, double Throttled, int OpenShards, double ShardCapacity, double? OnDemandCapacity, double Expected)
{
    /// <summary>The capacity that applies to this traffic: the shards', and the stream's as well when ON_DEMAND.</summary>
    public double Capacity => Math.Min(ShardCapacity, OnDemandCapacity ?? double.MaxValue);

    /// <summary>Whether the minute follows the rules (see <see cref="OnDemandMinute.FollowsRules"/>).</summary>
    public bool FollowsRules(double tolerance, double largestRecordMiB) => OnDemandMinute.Follows(Offered, Accepted, Expected, tolerance, largestRecordMiB);
}
