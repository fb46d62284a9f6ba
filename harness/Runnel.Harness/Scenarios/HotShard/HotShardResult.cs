using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>One shard's traffic in a hot-shard phase.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="Open">Whether it is still open at the end of the phase.</param>
/// <param name="OfferedMiBps">Offered MiB/s over the time the shard was open in the phase.</param>
/// <param name="AcceptedMiBps">Accepted MiB/s over that time.</param>
/// <param name="ThrottledRecords">Records refused with ProvisionedThroughputExceededException.</param>
/// <param name="TopKeys">The keys that made up most of its offered bytes, with their share of the shard's bytes.</param>
public sealed record HotShardRow(string ShardId, bool Open, double OfferedMiBps, double AcceptedMiBps, long ThrottledRecords, IReadOnlyList<KeyShare> TopKeys);

/// <summary>A key's share of a shard's offered bytes.</summary>
/// <param name="Key">The partition key.</param>
/// <param name="Share">Fraction of the shard's offered bytes (0..1).</param>
public sealed record KeyShare(string Key, double Share);

/// <summary>One window of the on-demand phase: shards and throttling over time.</summary>
/// <param name="FromMinute">Start of the window.</param>
/// <param name="ToMinute">End of the window (exclusive).</param>
/// <param name="OpenShards">Open shards at the end of the window.</param>
/// <param name="OfferedMiBps">Offered MiB/s.</param>
/// <param name="AcceptedMiBps">Accepted MiB/s.</param>
/// <param name="ThrottledFraction">Fraction of offered records throttled.</param>
/// <param name="HotKeyShardThrottledFraction">Fraction of the hottest key's records throttled.</param>
public sealed record HotShardWindow(int FromMinute, int ToMinute, int OpenShards, double OfferedMiBps, double AcceptedMiBps, double ThrottledFraction, double HotKeyShardThrottledFraction);

/// <summary>The <c>hot-shard</c> scenario's results.</summary>
/// <param name="Scenario">Always <c>hot-shard</c>.</param>
/// <param name="Keys">Distinct keys.</param>
/// <param name="ZipfExponent">The Zipf exponent.</param>
/// <param name="RecordBytes">Bytes per record.</param>
/// <param name="OfferedMiBps">Offered MiB/s in both phases.</param>
/// <param name="HotKey">The most popular key.</param>
/// <param name="HotKeyShare">Its share of all records.</param>
/// <param name="Provisioned">Per-shard rows of the provisioned phase.</param>
/// <param name="ProvisionedSeconds">Simulated seconds of the provisioned phase.</param>
/// <param name="OnDemand">Windows of the on-demand phase.</param>
/// <param name="OnDemandFinal">Per-shard rows of the last window of the on-demand phase (open shards).</param>
/// <param name="HotShardSplitAtMinute">The minute the shard holding the hot key was first split, if it was.</param>
/// <param name="Checks">The checks.</param>
/// <param name="Environment">Where it ran.</param>
public sealed record HotShardReport(
    string Scenario,
    int Keys,
    double ZipfExponent,
    int RecordBytes,
    double OfferedMiBps,
    string HotKey,
    double HotKeyShare,
    IReadOnlyList<HotShardRow> Provisioned,
    int ProvisionedSeconds,
    IReadOnlyList<HotShardWindow> OnDemand,
    IReadOnlyList<HotShardRow> OnDemandFinal,
    int? HotShardSplitAtMinute,
    IReadOnlyList<ScenarioCheck> Checks,
    ScenarioEnvironment Environment)
{
    /// <summary>The provisioned phase per shard per second, for the run directory's heatmaps (not in the --json report).</summary>
    [JsonIgnore]
    public HotShardTimeline? ProvisionedTimeline { get; init; }

    /// <summary>The on-demand phase per shard per minute, for the heatmaps (not in the --json report).</summary>
    [JsonIgnore]
    public HotShardTimeline? OnDemandTimeline { get; init; }
}
