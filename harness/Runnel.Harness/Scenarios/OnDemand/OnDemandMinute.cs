namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>One simulated minute of the <c>on-demand</c> run. Rates are MiB/s averaged over the minute.</summary>
/// <param name="Minute">Minutes since the stream was created.</param>
/// <param name="Phase">The phase's name.</param>
/// <param name="Offered">Offered write rate, data plus partition keys (what the engine's limits count).</param>
/// <param name="Accepted">Accepted write rate.</param>
/// <param name="Throttled">Refused write rate (ProvisionedThroughputExceededException; not retried).</param>
/// <param name="OpenShards">Open shards during the minute (splits happen between minutes).</param>
/// <param name="Peak">The effective peak: the largest minute average accepted among minutes that ended at least 15 minutes ago.</param>
/// <param name="ImpliedCapacity">The stream rule: max(4 MiB/s, 2 x the largest minute average accepted that ended at least 15 minutes ago).</param>
/// <param name="ShardCapacity">What the open shards can take of this traffic: the sum over shards of min(share, 1 MiB/s), keys included.</param>
/// <param name="Expected">min(offered, implied capacity, shard capacity): what the rules say should be accepted.</param>
public sealed record OnDemandMinute(int Minute, string Phase, double Offered, double Accepted, double Throttled, int OpenShards, double Peak, double ImpliedCapacity, double ShardCapacity, double Expected)
{
    /// <summary>Accepted over expected, minus 1 (0 when nothing was expected).</summary>
    public double Deviation => Expected > 0 ? (Accepted / Expected) - 1 : 0;

    /// <summary>
    /// Whether the minute follows the rules: accepted within <paramref name="tolerance"/> of expected; or, when a limit
    /// binds (more offered than expected), accepted at most expected and short of it by no more than one record per
    /// second. Admission is per whole record, so a bucket that is a few bytes short each second refuses that second's
    /// next record (up to <paramref name="largestRecordMiB"/>), as Kinesis refuses a record that does not fit.
    /// </summary>
    public bool FollowsRules(double tolerance, double largestRecordMiB) => Follows(Offered, Accepted, Expected, tolerance, largestRecordMiB);

    /// <summary><see cref="FollowsRules"/> for any minute's offered, accepted and expected rates.</summary>
    public static bool Follows(double offered, double accepted, double expected, double tolerance, double largestRecordMiB)
        => Math.Abs(expected > 0 ? (accepted / expected) - 1 : 0) <= tolerance
            || (offered > expected && accepted <= expected * (1 + tolerance) && expected - accepted <= largestRecordMiB);
}
