using System.Globalization;
using System.Text;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>The mode-switch part of the <c>on-demand</c> results: the steps, the switches, the minutes around them, the checks.</summary>
/// <param name="Steps">Each traffic step, summed up.</param>
/// <param name="Switches">Each UpdateStreamMode call.</param>
/// <param name="Minutes">Every traffic minute.</param>
/// <param name="Splits">Splits seen, as (minute, mode) pairs.</param>
/// <param name="Checks">The checks.</param>
public sealed record ModeSwitchReport(
    IReadOnlyList<ModeSwitchStepSummary> Steps,
    IReadOnlyList<ModeSwitchAttempt> Switches,
    IReadOnlyList<ModeSwitchMinute> Minutes,
    IReadOnlyList<KeyValuePair<int, string>> Splits,
    IReadOnlyList<ScenarioCheck> Checks)
{
    private const double Tolerance = 0.02;
    private const double LargestRecordMiB = 1.0;

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Checks.All(c => c.Passed);

    /// <summary>Builds the report from a run.</summary>
    public static ModeSwitchReport Create(ModeSwitchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var steps = result.Minutes.GroupBy(m => m.Step) // step names are unique; groups come in order of first minute
            .Select(g => g.ToList())
            .Select(s => new ModeSwitchStepSummary(s[0].Step, s[0].Mode, s[0].Minute, s.Count, s.Average(m => m.Offered), s.Average(m => m.Accepted),
                s.Count(m => m.Throttled > 0), s[0].OpenShards, s[^1].OpenShards, s[0].Capacity, s[^1].Capacity))
            .ToList();
        return new ModeSwitchReport(steps, result.Attempts, result.Minutes, result.SplitMinutes, BuildChecks(result));
    }

    /// <summary>The first traffic minute after <paramref name="attempt"/>, and the last one before it (null when none).</summary>
    public static (ModeSwitchMinute? Before, ModeSwitchMinute? After) Around(IReadOnlyList<ModeSwitchMinute> minutes, ModeSwitchAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(attempt);
        return (minutes.LastOrDefault(m => m.Minute < attempt.Minute), minutes.FirstOrDefault(m => m.Minute >= attempt.Minute));
    }

    /// <summary>The Markdown tables.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine("Mode switches (UpdateStreamMode; MiB/s in the last traffic minute before and the first after):");
        text.AppendLine();
        text.AppendLine("| minute | switch | result | mode after | open shards before -> after | capacity before -> after | accepted before -> after |");
        text.AppendLine("|--:|---|---|---|---|---|---|");
        foreach (ModeSwitchAttempt a in Switches)
        {
            (ModeSwitchMinute? before, ModeSwitchMinute? after) = Around(Minutes, a);
            after = a.Switched ? after : null; // a refused switch changes nothing: the next traffic comes after later steps
            text.AppendLine(Invariant(
                $"| {a.Minute} | {a.Step} | {(a.Switched ? "switched" : a.Error)} | {a.ModeAfter} | {a.OpenShardsBefore} -> {a.OpenShardsAfter} | {Rate(before?.Capacity)} -> {Rate(after?.Capacity)} | {Rate(before?.Accepted)} -> {Rate(after?.Accepted)} |"));
        }
        text.AppendLine();
        text.AppendLine("Traffic steps (MiB/s averaged over the step; capacity = what the shards, and in ON_DEMAND the stream's max(4, shards kept at the switch, 2 x peak), allow for this traffic):");
        text.AppendLine();
        text.AppendLine("| step | mode | start (min) | minutes | offered | accepted | throttled minutes | open shards start -> end | capacity start -> end |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|---|---|");
        foreach (ModeSwitchStepSummary s in Steps)
        {
            text.AppendLine(Invariant(
                $"| {s.Step} | {s.Mode} | {s.StartMinute} | {s.Minutes} | {s.Offered:0.##} | {s.Accepted:0.##} | {s.ThrottledMinutes} | {s.OpenShardsStart} -> {s.OpenShardsEnd} | {s.CapacityStart:0.##} -> {s.CapacityEnd:0.##} |"));
        }
        text.AppendLine();
        foreach (ScenarioCheck c in Checks)
        {
            text.AppendLine($"- {c.Verdict} {c.Name}: {c.Rule}: {c.Measured}");
        }
        return text.ToString();
    }

    private static List<ScenarioCheck> BuildChecks(ModeSwitchResult result)
    {
        IReadOnlyList<ModeSwitchMinute> minutes = result.Minutes;
        IReadOnlyList<ModeSwitchAttempt> attempts = result.Attempts;
        var checks = new List<ScenarioCheck>();

        // 1. At most 2 switches per rolling 24 hours: the refused ones are refused with LimitExceededException, the others switch.
        bool limitHolds = attempts.All(a => a.ExpectRefused
            ? a.Error == "LimitExceededException" && a.ModeAfter == a.From
            : a.Switched && a.ModeAfter == a.To);
        checks.Add(new ScenarioCheck(
            "two-switches-per-24h",
            "kinesis-api.md 2.1/5.2: at most 2 UpdateStreamMode switches per stream per rolling 24 h, else LimitExceededException (the mode stays)",
            string.Join("; ", attempts.Select(a => Invariant($"minute {a.Minute} {a.From} -> {a.To}: {(a.Switched ? "switched" : a.Error)}{(a.ExpectRefused ? " (expected refused)" : "")}"))),
            attempts.Any(a => a.ExpectRefused) && limitHolds));

        // 2. Shard count retained across each switch.
        var switched = attempts.Where(a => a.Switched).ToList();
        checks.Add(new ScenarioCheck(
            "shard-count-retained",
            "kinesis-api.md 2.1/5.2: the open shard count is the same just before and just after each switch",
            string.Join("; ", switched.Select(a => Invariant($"minute {a.Minute} {a.From} -> {a.To}: {a.OpenShardsBefore} -> {a.OpenShardsAfter}"))),
            switched.Count > 0 && switched.All(a => a.OpenShardsBefore == a.OpenShardsAfter)));

        // 3. Every minute's accepted rate follows the rules of the mode it is in.
        var off = minutes.Where(m => !m.FollowsRules(Tolerance, LargestRecordMiB)).ToList();
        checks.Add(new ScenarioCheck(
            "capacity-follows-mode",
            "every minute, accepted = min(offered, sum of min(shard share, 1 MiB/s), and in ON_DEMAND max(4 MiB/s, shards kept at the switch x 1 MiB/s, 2 x peak minute since the switch >= 15 min old)) within 2 %; where a limit binds, short by at most one record per second",
            Invariant($"{minutes.Count - off.Count} of {minutes.Count} minutes") + (off.Count == 0 ? "" : Invariant($"; off: {string.Join(", ", off.Take(5).Select(m => $"minute {m.Minute} accepted {m.Accepted:0.###} vs {m.Expected:0.###}"))}")),
            minutes.Count > 0 && off.Count == 0));

        // 4. Splits only in ON_DEMAND; in ON_DEMAND the throttling of the provisioned stream is absorbed by splits.
        int provisionedSplits = result.SplitMinutes.Count(s => s.Value != "ON_DEMAND");
        ModeSwitchMinute? lastOnDemand = minutes.Where(m => m.Mode == "ON_DEMAND" && m.Minute < (switched.Skip(1).FirstOrDefault()?.Minute ?? int.MaxValue)).LastOrDefault();
        checks.Add(new ScenarioCheck(
            "splits-only-on-demand",
            "maintenance splits shards only while the stream is ON_DEMAND, and the traffic the provisioned shards throttled is taken without throttling by the end of the first ON_DEMAND stretch",
            Invariant($"{result.SplitMinutes.Count - provisionedSplits} splits in ON_DEMAND (minutes {string.Join(", ", result.SplitMinutes.Select(s => s.Key).Distinct())}), {provisionedSplits} in PROVISIONED; ") +
                (lastOnDemand is null ? "no ON_DEMAND minute" : Invariant($"last ON_DEMAND minute before switching back: accepted {lastOnDemand.Accepted:0.##} of {lastOnDemand.Offered:0.##}, {lastOnDemand.OpenShards} shards")),
            provisionedSplits == 0 && result.SplitMinutes.Count > 0 && lastOnDemand is { Throttled: 0 }));

        // 5. No disruption: the first minute after a switch takes at least what the retained shards took before.
        var disrupted = new List<string>();
        var compared = new List<string>();
        foreach (ModeSwitchAttempt a in switched)
        {
            (ModeSwitchMinute? before, ModeSwitchMinute? after) = Around(minutes, a);
            if (before is null || after is null)
            {
                continue;
            }
            double floor = Math.Min(after.Offered, a.OpenShardsBefore * 1.0);
            string line = Invariant($"minute {a.Minute} {a.From} -> {a.To}: accepted {after.Accepted:0.##} of {after.Offered:0.##} with {a.OpenShardsAfter} shards (at least {floor:0.##})");
            compared.Add(line);
            if (after.Accepted < floor * (1 - Tolerance))
            {
                disrupted.Add(line);
            }
        }
        checks.Add(new ScenarioCheck(
            "switch-keeps-write-capacity",
            "kinesis-api.md 5.2: a switch keeps the shard count with no disruption to writes: the first minute after a switch accepts at least min(offered, open shards x 1 MiB/s)",
            string.Join("; ", compared),
            compared.Count > 0 && disrupted.Count == 0));
        return checks;
    }

    private static string Rate(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
