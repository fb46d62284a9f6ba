using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>The results of <c>hot-shard --real-time</c>: the provisioned phase on the wall clock against the embedded engine.</summary>
/// <param name="Scenario">Always <c>hot-shard-real-time</c>.</param>
/// <param name="Target">What was loaded.</param>
/// <param name="Keys">Distinct keys.</param>
/// <param name="ZipfExponent">The Zipf exponent.</param>
/// <param name="RecordBytes">Bytes per record.</param>
/// <param name="OfferedMiBps">Offered MiB/s.</param>
/// <param name="HotKey">The most popular key.</param>
/// <param name="HotKeyShare">Its share of all records.</param>
/// <param name="Seconds">Seconds of wall time.</param>
/// <param name="SteadyFromSecond">Where the steady window of the hot shard's check starts (the bucket starts full).</param>
/// <param name="Shards">Per-shard rows over the whole run.</param>
/// <param name="Checks">The checks.</param>
/// <param name="Environment">Where it ran.</param>
public sealed record HotShardRealTimeReport(
    string Scenario,
    string Target,
    int Keys,
    double ZipfExponent,
    int RecordBytes,
    double OfferedMiBps,
    string HotKey,
    double HotKeyShare,
    int Seconds,
    int SteadyFromSecond,
    IReadOnlyList<HotShardRow> Shards,
    IReadOnlyList<ScenarioCheck> Checks,
    ScenarioEnvironment Environment)
{
    /// <summary>Per shard per second, for the run directory's heatmaps (not in the --json report).</summary>
    [JsonIgnore]
    public HotShardTimeline? Timeline { get; init; }

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Checks.All(c => c.Passed);
}
