using System.Text;
using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>The <c>shard-limits</c> results: one row per case, the checks, the environment.</summary>
/// <param name="Scenario">Always <c>shard-limits</c>.</param>
/// <param name="SimulatedSeconds">Simulated seconds per case.</param>
/// <param name="StepMilliseconds">The fake clock's step.</param>
/// <param name="Cases">One result per case.</param>
/// <param name="Environment">Where it ran.</param>
public sealed record ShardLimitsReport(string Scenario, int SimulatedSeconds, int StepMilliseconds, IReadOnlyList<ShardLimitsResult> Cases, ScenarioEnvironment Environment)
{
    /// <summary>For a real-time run: where the cases wrote (the embedded engine or the endpoint); null in simulated time.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RealTimeTarget { get; init; }

    /// <summary>The second the steady column starts at: 10 in simulated time, <see cref="ShardLimitsRealTimeRun.SteadyFromSecond"/> in real time.</summary>
    [JsonIgnore]
    public int SteadyFromSecond => RealTimeTarget is null ? 10 : ShardLimitsRealTimeRun.SteadyFromSecond;

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Cases.All(c => c.Check.Passed);

    /// <summary>The console table (Markdown, so it pastes into results.md as is).</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine($"| case | record | unit | offered | attempted | accepted | binding limit | accepted/limit | steady ({SteadyFromSecond} s..) | calls | throttled calls | throttled records | check |");
        text.AppendLine("|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|---|");
        foreach (ShardLimitsResult r in Cases)
        {
            text.AppendLine(
                $"| {r.Case} | {ScenarioFormat.Size(r.RecordBytes)} | {r.Unit} | {N(r.Offered)} | {N(r.Attempted)} | {N(r.Accepted)} | {r.BindingLimit} | " +
                $"{ScenarioFormat.Number(r.Accepted / r.Limit * 100, 2)} % | {N(r.AcceptedSteady)} | {r.Calls} | {r.ThrottledCalls} | {r.ThrottledRecords} | {r.Check.Verdict} |");
        }
        text.AppendLine();
        foreach (ShardLimitsResult r in Cases)
        {
            text.AppendLine($"- {r.Check.Verdict} {r.Case}: {r.Check.Rule}: {r.Check.Measured}");
        }
        return text.ToString();
    }

    private static string N(double value) => ScenarioFormat.Number(value, value >= 100 ? 1 : 4);
}
