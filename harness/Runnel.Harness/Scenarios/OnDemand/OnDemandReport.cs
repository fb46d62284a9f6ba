using System.Globalization;
using System.Text;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>The <c>on-demand</c> results: per-hour rows, per-phase summaries, the spike minute by minute, the checks.</summary>
/// <param name="Scenario">Always <c>on-demand</c>.</param>
/// <param name="Days">Simulated days.</param>
/// <param name="StepSeconds">The fake clock's step.</param>
/// <param name="Phases">The phases, summed up.</param>
/// <param name="Hours">One row per simulated hour.</param>
/// <param name="SpikeMinutes">The minutes from 5 before the spike to 60 after its start.</param>
/// <param name="Splits">Splits seen, as (minute, count) pairs.</param>
/// <param name="OffMinutes">Every minute where accepted differed from expected by more than 2 %.</param>
/// <param name="Checks">The checks.</param>
/// <param name="Environment">Where it ran.</param>
/// <param name="ModeSwitch">The mode-switch part: a stream switched between PROVISIONED and ON_DEMAND under traffic.</param>
public sealed record OnDemandReport(
    string Scenario,
    int Days,
    int StepSeconds,
    IReadOnlyList<OnDemandPhaseSummary> Phases,
    IReadOnlyList<OnDemandHour> Hours,
    IReadOnlyList<OnDemandMinute> SpikeMinutes,
    IReadOnlyList<KeyValuePair<int, int>> Splits,
    IReadOnlyList<OnDemandMinute> OffMinutes,
    IReadOnlyList<ScenarioCheck> Checks,
    ScenarioEnvironment Environment,
    ModeSwitchReport ModeSwitch)
{
    private const double Tolerance = 0.02;

    // The scenario's largest record: 1 MiB of data plus key (OnDemandRun.MaxRecordData + 1 byte).
    private const double LargestRecordMiB = 1.0;
    private const double GiB = 1024.0;

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Checks.All(c => c.Passed) && ModeSwitch.AllPassed;

    /// <summary>Builds the report from a run.</summary>
    public static OnDemandReport Create(int days, IReadOnlyList<OnDemandPhase> phases, OnDemandResult result, ModeSwitchReport modeSwitch, TimeSpan wall)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(result);
        IReadOnlyList<OnDemandMinute> minutes = result.Minutes;
        var summaries = phases.Select(p => Summarise(p, minutes)).ToList();
        var hours = new List<OnDemandHour>();
        for (int h = 0; h * 60 < minutes.Count; h++)
        {
            var hour = minutes.Skip(h * 60).Take(60).ToList();
            string phase = hour[0].Phase == hour[^1].Phase ? hour[0].Phase : $"{hour[0].Phase} / {hour[^1].Phase}";
            int end = (h + 1) * 60;
            hours.Add(new OnDemandHour(h, phase, hour.Average(m => m.Offered), hour.Average(m => m.Accepted), hour.Average(m => m.Throttled),
                hour.Count(m => m.Throttled > 0), hour[^1].OpenShards, result.SplitMinutes.Count(s => s > h * 60 && s <= end),
                hour[^1].ImpliedCapacity, hour[^1].Peak));
        }
        OnDemandPhase spike = phases.First(p => p.Name.StartsWith("spike", StringComparison.Ordinal));
        var spikeMinutes = minutes.Where(m => m.Minute >= spike.StartMinute - 5 && m.Minute < spike.StartMinute + 60).ToList();
        var splits = result.SplitMinutes.GroupBy(m => m).Select(g => new KeyValuePair<int, int>(g.Key, g.Count())).ToList();
        List<ScenarioCheck> checks = BuildChecks(phases, spike, result, summaries);
        var offMinutes = minutes.Where(m => !m.FollowsRules(Tolerance, LargestRecordMiB)).ToList();
        return new OnDemandReport("on-demand", days, 1, summaries, hours, spikeMinutes, splits, offMinutes, checks, ScenarioEnvironment.Current(wall), modeSwitch);
    }

    /// <summary>The console tables (Markdown).</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine("Per phase (MiB/s unless stated):");
        text.AppendLine();
        text.AppendLine("| phase | start (h) | length (h) | offered | accepted | throttled GiB | throttled minutes | absorbed after (min) | shards start -> end | 2x-peak capacity at end |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|---|--:|");
        foreach (OnDemandPhaseSummary p in Phases)
        {
            text.AppendLine(Invariant(
                $"| {p.Phase} | {p.StartMinute / 60.0:0.##} | {p.Minutes / 60.0:0.##} | {p.Offered:0.##} | {p.Accepted:0.##} | {p.ThrottledGiB:0.###} | {p.ThrottledMinutes} | {(p.AbsorbedAfterMinutes is { } a ? a.ToString(CultureInfo.InvariantCulture) : "not absorbed")} | {p.OpenShardsStart} -> {p.OpenShardsEnd} | {p.ImpliedCapacityEnd:0.##} |"));
        }
        text.AppendLine();
        text.AppendLine("Per hour (MiB/s averaged over the hour; shards and capacity at the hour's end):");
        text.AppendLine();
        text.AppendLine("| hour | phase | offered | accepted | throttled | throttled min | open shards | splits | shard capacity (open x 1 MiB/s) | 2x-peak capacity | effective peak |");
        text.AppendLine("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (OnDemandHour h in Hours)
        {
            text.AppendLine(Invariant(
                $"| {h.Hour} | {h.Phase} | {h.Offered:0.##} | {h.Accepted:0.##} | {h.Throttled:0.##} | {h.ThrottledMinutes} | {h.OpenShardsEnd} | {h.Splits} | {h.OpenShardsEnd} | {h.ImpliedCapacityEnd:0.##} | {h.PeakEnd:0.##} |"));
        }
        text.AppendLine();
        if (OffMinutes.Count > 0)
        {
            text.AppendLine("Minutes where accepted differs from expected by more than 2 %:");
            text.AppendLine();
            text.AppendLine(MinuteHeader);
            foreach (OnDemandMinute m in OffMinutes)
            {
                text.AppendLine(Row(m));
            }
            text.AppendLine();
        }
        text.AppendLine("The spike, minute by minute (MiB/s; expected = min(offered, 2x-peak capacity, shard capacity)):");
        text.AppendLine();
        text.AppendLine(MinuteHeader);
        foreach (OnDemandMinute m in SpikeMinutes)
        {
            text.AppendLine(Row(m));
        }
        text.AppendLine();
        foreach (ScenarioCheck c in Checks)
        {
            text.AppendLine($"- {c.Verdict} {c.Name}: {c.Rule}: {c.Measured}");
        }
        return text.ToString();
    }

    private static OnDemandPhaseSummary Summarise(OnDemandPhase phase, IReadOnlyList<OnDemandMinute> minutes)
    {
        var span = minutes.Where(m => m.Minute >= phase.StartMinute && m.Minute < phase.EndMinute).ToList();
        int lastThrottled = span.FindLastIndex(m => m.Throttled > 0);
        int? absorbed = lastThrottled < 0 ? 0 : lastThrottled == span.Count - 1 ? null : lastThrottled + 1;
        return new OnDemandPhaseSummary(phase.Name, phase.StartMinute, phase.Minutes, phase.MiBps, span.Average(m => m.Accepted),
            span.Sum(m => m.Throttled * 60) / GiB, span.Count(m => m.Throttled > 0), absorbed, span[0].OpenShards, span[^1].OpenShards, span[^1].ImpliedCapacity);
    }

    private static List<ScenarioCheck> BuildChecks(IReadOnlyList<OnDemandPhase> phases, OnDemandPhase spike, OnDemandResult result, List<OnDemandPhaseSummary> summaries)
    {
        IReadOnlyList<OnDemandMinute> minutes = result.Minutes;
        var checks = new List<ScenarioCheck>();

        // 1. Every minute: accepted = min(offered, 2x peak, shard capacity) within 2 %.
        var off = minutes.Where(m => !m.FollowsRules(Tolerance, LargestRecordMiB)).ToList();
        OnDemandMinute worst = minutes.MaxBy(m => Math.Abs(m.Deviation))!;
        checks.Add(new ScenarioCheck(
            "capacity-follows-rules",
            "every minute, accepted = min(offered, max(4 MiB/s, 2 x peak minute >= 15 min old), sum of min(shard share, 1 MiB/s)) within 2 % (bytes as the engine counts them: data + key); where a limit binds, short by at most one whole record per second",
            Invariant($"{minutes.Count(m => Math.Abs(m.Deviation) <= Tolerance)} of {minutes.Count} minutes within 2 %, {minutes.Count(m => Math.Abs(m.Deviation) > Tolerance && m.FollowsRules(Tolerance, LargestRecordMiB))} more short by under one record per second where a limit bound, {off.Count} off; worst minute {worst.Minute} ({worst.Phase}): accepted {worst.Accepted:0.###} vs expected {worst.Expected:0.###} ({worst.Deviation:+0.00%;-0.00%})"),
            off.Count == 0));

        // 2. Where the stream rule is what binds, the engine accepts 2x the peak.
        var bound = minutes.Where(m => m.Offered > m.ImpliedCapacity * (1 + Tolerance) && m.ImpliedCapacity < m.ShardCapacity).ToList();
        var boundOff = bound.Where(m => Math.Abs((m.Accepted / m.ImpliedCapacity) - 1) > Tolerance).ToList();
        checks.Add(new ScenarioCheck(
            "2x-peak-binds",
            "minutes where offered > 2x peak and the shards could take more: accepted within 2 % of 2x peak",
            bound.Count == 0
                ? "no such minute"
                : Invariant($"{bound.Count - boundOff.Count} of {bound.Count} minutes within 2 % (capacities seen: {string.Join(", ", bound.Select(m => m.ImpliedCapacity).Distinct().Select(c => c.ToString("0.##", CultureInfo.InvariantCulture)))} MiB/s)"),
            bound.Count > 0 && boundOff.Count == 0));

        // 3. The spike: throttled at first (accepted = 2x the previous peak), absorbed after scaling.
        OnDemandPhaseSummary spiked = summaries.First(s => s.Phase == spike.Name);
        OnDemandMinute first = minutes[spike.StartMinute];
        double previousPeak = phases.Where(p => p.EndMinute <= spike.StartMinute).Max(p => p.MiBps);
        bool throttledFirst = first.Throttled > 0 && Math.Abs((first.Accepted / (2 * previousPeak)) - 1) <= Tolerance;
        bool absorbed = spiked.AbsorbedAfterMinutes is { } after && after <= 45;
        checks.Add(new ScenarioCheck(
            "spike-throttled-then-absorbed",
            Invariant($"a jump to {spike.MiBps:0} MiB/s (> 2x the {previousPeak:0} MiB/s peak) is throttled to 2x the peak at first, and nothing is throttled from at most 45 min after its start to its end"),
            Invariant($"first minute: accepted {first.Accepted:0.##} of {first.Offered:0.##} (2x peak = {2 * previousPeak:0.##}); throttled in {spiked.ThrottledMinutes} minutes ({spiked.ThrottledGiB:0.##} GiB); ") +
                (spiked.AbsorbedAfterMinutes is { } a ? Invariant($"absorbed after {a} min, {spiked.OpenShardsStart} -> {spiked.OpenShardsEnd} shards") : "never absorbed"),
            throttledFirst && absorbed));

        // 4. Shard count grows by splits only: each split closes one shard and opens two.
        int open = result.OpenShards.Count;
        bool childrenOfSplits = result.OpenShards.All(s => s.ShardId.Value < 4 || s.ParentShardId is not null) && result.OpenShards.All(s => s.AdjacentParentShardId is null);
        bool countAdds = open == 4 + result.SplitMinutes.Count;
        checks.Add(new ScenarioCheck(
            "shards-grow-by-splits",
            "open shards grow from 4 by splits (every new shard has a parent, none has an adjacent parent, open = 4 + splits)",
            Invariant($"4 -> {open} open shards, {result.SplitMinutes.Count} splits, by phase end: {string.Join(", ", summaries.Select(s => s.OpenShardsEnd))}; parents {(childrenOfSplits ? "as expected" : "NOT as expected")}"),
            open > 4 && childrenOfSplits && countAdds));
        return checks;
    }

    private const string MinuteHeader = "| minute | phase | offered | accepted | throttled | open shards | shard capacity | 2x-peak capacity | expected | accepted vs expected |\n|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|";

    private static string Row(OnDemandMinute m) => Invariant(
        $"| {m.Minute} | {m.Phase} | {m.Offered:0.##} | {m.Accepted:0.##} | {m.Throttled:0.##} | {m.OpenShards} | {m.ShardCapacity:0.##} | {m.ImpliedCapacity:0.##} | {m.Expected:0.##} | {m.Deviation:+0.00%;-0.00%} |");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
