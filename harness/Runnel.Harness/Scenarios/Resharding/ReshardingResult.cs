using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.Resharding;

/// <summary>The outcome of a <c>resharding-under-load</c> run.</summary>
/// <param name="Options">The parameters.</param>
/// <param name="Counts">What happened.</param>
/// <param name="OpenShardsAtEnd">Open shards when the run ended.</param>
/// <param name="ShardsAtEnd">All shards (open and closed parents) when the run ended.</param>
/// <param name="SimulatedSeconds">Simulated time including the drain.</param>
/// <param name="Violations">The first violations found (at most 20).</param>
/// <param name="ViolationCount">All violations found.</param>
public sealed record ReshardingResult(
    ReshardingOptions Options,
    ReshardingCounts Counts,
    int OpenShardsAtEnd,
    int ShardsAtEnd,
    double SimulatedSeconds,
    IReadOnlyList<string> Violations,
    int ViolationCount)
{
    /// <summary>Shard counts after each resharding operation, for the run directory's chart (not in the --json report).</summary>
    [JsonIgnore]
    public IReadOnlyList<ReshardingPoint> Timeline { get; init; } = [];

    /// <summary>The checks: nothing lost, nothing duplicated or invented, per-key order, resharding actually happened.</summary>
    public IReadOnlyList<ScenarioCheck> Checks =>
    [
        new("no-loss", "every acknowledged record is read back", Invariant($"{Counts.RecordsRead} read of {Counts.RecordsAcknowledged} acknowledged, {Counts.Lost} lost"), Counts.Lost == 0 && Counts.RecordsAcknowledged > 0),
        new("exactly-once-as-acknowledged", "each record read once, from the shard and at the sequence number it was acknowledged with", Invariant($"{Counts.Duplicates} duplicates, {ViolationCount - Counts.Lost - Counts.OrderViolations - Counts.Duplicates} other mismatches"), ViolationCount - Counts.Lost - Counts.OrderViolations == 0),
        new("per-key-order", "a key's records are read in put order across parents and children", Invariant($"{Counts.OrderViolations} out of order"), Counts.OrderViolations == 0),
        new("resharding-happened", "splits, merges and shard-count updates ran during the load", Invariant($"{Counts.Splits} splits, {Counts.Merges} merges, {Counts.ShardCountUpdates} updates ({Counts.ReshardsRefused} refused by limits), {ShardsAtEnd} shards in all"), Counts.Splits + Counts.Merges + Counts.ShardCountUpdates >= 3),
    ];

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Checks.All(c => c.Passed);

    /// <summary>The console summary (Markdown).</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| put calls | acknowledged | throttled (retried) | splits | merges | updates | refused | open shards | all shards | GetRecords | read | lost | duplicates | out of order |");
        text.AppendLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        ReshardingCounts c = Counts;
        text.AppendLine(Invariant($"| {c.PutCalls} | {c.RecordsAcknowledged} | {c.RecordsThrottled} | {c.Splits} | {c.Merges} | {c.ShardCountUpdates} | {c.ReshardsRefused} | {OpenShardsAtEnd} | {ShardsAtEnd} | {c.GetRecordsCalls} | {c.RecordsRead} | {c.Lost} | {c.Duplicates} | {c.OrderViolations} |"));
        text.AppendLine();
        foreach (ScenarioCheck check in Checks)
        {
            text.AppendLine($"- {check.Verdict} {check.Name}: {check.Rule}: {check.Measured}");
        }
        foreach (string violation in Violations)
        {
            text.AppendLine($"  - {violation}");
        }
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The stream after one resharding operation of a <c>resharding-under-load</c> run.</summary>
/// <param name="Seconds">Simulated seconds since the start.</param>
/// <param name="OpenShards">Open shards.</param>
/// <param name="AllShards">Shards listed, closed parents included.</param>
/// <param name="Acknowledged">Records acknowledged so far.</param>
public sealed record ReshardingPoint(double Seconds, int OpenShards, int AllShards, long Acknowledged);
