using System.Globalization;
using System.Text;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Reliability;

/// <summary>The result of a soak.</summary>
/// <param name="Scenario">"soak".</param>
/// <param name="Minutes">Minutes of load.</param>
/// <param name="Acked">Records acknowledged.</param>
/// <param name="Polled">Records read by the polling consumers (duplicates included).</param>
/// <param name="FannedOut">Records received by the fan-out readers (duplicates included).</param>
/// <param name="MissingFromPolling">Acknowledged records the polling consumers never read.</param>
/// <param name="MissingFromFanOut">Acknowledged records the fan-out readers never received.</param>
/// <param name="ShardsRead">Shards (open and closed) the polling consumers followed.</param>
/// <param name="DrainSeconds">How long the consumers took to catch up once the load stopped.</param>
/// <param name="Reshards">Every resharding operation.</param>
/// <param name="Errors">Every error by operation and type.</param>
/// <param name="Violations">The first order violations.</param>
/// <param name="RssWarmMiB">Resident set at the end of the warm-up (median of the first tenth of the samples after it).</param>
/// <param name="RssEndMiB">Resident set at the end of the load (median of the last tenth).</param>
/// <param name="RssMaxMiB">Highest sample after the warm-up.</param>
/// <param name="RssGrowthPercent">Growth from warm to end.</param>
/// <param name="RssSamples">Every sample: seconds, resident MiB, managed heap MiB, GC committed MiB, shards known.</param>
/// <param name="Checks">The checks.</param>
/// <param name="Environment">Where it ran.</param>
/// <param name="ServerErrorLines">The first 50 server log lines at error level or above.</param>
public sealed record SoakReport(
    string Scenario, double Minutes, long Acked, long Polled, long FannedOut, long MissingFromPolling, long MissingFromFanOut, int ShardsRead,
    double DrainSeconds, IReadOnlyList<SoakReshard> Reshards, IReadOnlyList<SoakError> Errors, IReadOnlyList<string> Violations,
    double RssWarmMiB, double RssEndMiB, double RssMaxMiB, double RssGrowthPercent, IReadOnlyList<double[]> RssSamples,
    IReadOnlyList<ScenarioCheck> Checks, ScenarioEnvironment Environment, IReadOnlyList<string> ServerErrorLines)
{
    /// <summary>The share of the load time treated as warm-up.</summary>
    public const double WarmUpShare = 0.2;

    /// <summary>The largest acceptable growth of the resident set after warm-up.</summary>
    public const double MaxGrowthPercent = 10;

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Checks.All(c => c.Passed);

    internal static SoakReport Build(SoakOptions options, SoakLedger ledger, IReadOnlyList<SoakReshard> reshards, IReadOnlyList<double[]> samples,
        int shardsRead, int fanOutShards, double drainSeconds, IReadOnlyList<string> serverErrorLines, bool serverRunning, TimeSpan wall)
    {
        double load = options.Duration.TotalSeconds;
        double[][] window = [.. samples.Where(s => s[0] >= load * WarmUpShare && s[0] <= load)];
        double[] after = [.. window.Select(s => s[1])];
        int tenth = Math.Max(1, after.Length / 10);
        double warm = after.Length == 0 ? 0 : Median(after[..tenth]);
        double end = after.Length == 0 ? 0 : Median(after[^tenth..]);
        double max = after.Length == 0 ? 0 : after.Max();
        double growth = warm > 0 ? Math.Round((end - warm) / warm * 100, 1) : 0;
        double newShards = window.Length == 0 || window[0].Length < 5 ? 0 : window[^1][4] - window[0][4];
        double allowance = options.RssAllowancePerShardMiB * newShards;
        double judged = warm > 0 ? Math.Round((end - allowance - warm) / warm * 100, 1) : 0;
        string allowanceText = options.RssAllowancePerShardMiB > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; {options.RssAllowancePerShardMiB} MiB forgiven for each of the {newShards} shards created after warm-up: {judged:+0.0;-0.0}% judged")
            : "";
        IReadOnlyList<SoakError> errors = ledger.Errors();
        long missingPolling = ledger.MissingFromPolling();
        long missingFanOut = ledger.MissingFromFanOut();
        var unexpected = errors.Where(e => !e.Expected).ToList();
        int succeeded = reshards.Count(r => r.Succeeded);
        var checks = new List<ScenarioCheck>
        {
            new("rss-flat", $"resident set at the end of the load < {MaxGrowthPercent}% above its level after warm-up (the first {WarmUpShare:P0})"
                    + (options.RssAllowancePerShardMiB > 0 ? string.Create(CultureInfo.InvariantCulture, $", less {options.RssAllowancePerShardMiB} MiB per shard created after warm-up (--rss-allowance-per-shard-mib)") : ""),
                string.Create(CultureInfo.InvariantCulture, $"{warm} MiB after warm-up, {end} MiB at the end ({growth:+0.0;-0.0}%), max {max} MiB, {after.Length} samples{allowanceText}"),
                after.Length >= 3 && judged < MaxGrowthPercent),
            new("only-throttling-errors", "no error but ProvisionedThroughputExceeded, LimitExceeded and ResourceInUse where AWS returns them (SoakLedger.ExpectedErrors)",
                unexpected.Count == 0 ? $"{errors.Sum(e => e.Count)} expected errors, none other"
                    : string.Join("; ", unexpected.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Operation} {e.Type} x{e.Count}"))),
                unexpected.Count == 0),
            new("no-500", "no HTTP 5xx, no server log line at error level, the server still running",
                string.Create(CultureInfo.InvariantCulture, $"{ledger.ServerErrors} 5xx, {serverErrorLines.Count} error log lines, running: {serverRunning}"),
                ledger.ServerErrors == 0 && serverErrorLines.Count == 0 && serverRunning),
            new("polling-read-everything", "every acknowledged record read back by the polling consumers",
                string.Create(CultureInfo.InvariantCulture, $"{ledger.AckedCount} acknowledged, {missingPolling} never read ({ledger.PolledCount} reads over {shardsRead} shards, drained in {drainSeconds:0.#} s)"),
                ledger.AckedCount > 0 && missingPolling == 0),
            new("fan-out-read-everything", "every acknowledged record received by the SubscribeToShard readers",
                string.Create(CultureInfo.InvariantCulture, $"{missingFanOut} never received ({ledger.FannedOutCount} received over {fanOutShards} shards)"),
                ledger.AckedCount > 0 && missingFanOut == 0),
            new("in-order", "per shard, sequence numbers increase (polling and fan-out); per key, the polling consumers read the records in the order they were acknowledged, across parents and children",
                ledger.ViolationCount == 0 ? "no violation" : string.Create(CultureInfo.InvariantCulture, $"{ledger.ViolationCount} violations, first: {ledger.Violations[0]}"),
                ledger.ViolationCount == 0),
            new("resharded", "at least one resharding operation per two intervals succeeded (the stream was really resharded under load)",
                string.Create(CultureInfo.InvariantCulture, $"{succeeded} of {reshards.Count} succeeded"),
                reshards.Count == 0 ? load < options.ReshardEvery.TotalSeconds : succeeded * 2 >= reshards.Count),
        };
        return new SoakReport("soak", Math.Round(load / 60, 2), ledger.AckedCount, ledger.PolledCount, ledger.FannedOutCount, missingPolling, missingFanOut,
            shardsRead, Math.Round(drainSeconds, 1), reshards, errors, ledger.Violations, warm, end, max, growth, samples, checks, ScenarioEnvironment.Current(wall),
            [.. serverErrorLines.Take(50)]);
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    /// <summary>The summary printed at the end.</summary>
    public string ToSummary()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"soak: {Minutes} min of load; {Acked} records acknowledged, {Polled} polled, {FannedOut} fanned out; {ShardsRead} shards followed");
        text.AppendLine(CultureInfo.InvariantCulture, $"RSS: {RssWarmMiB} MiB after warm-up, {RssEndMiB} MiB at the end ({RssGrowthPercent:+0.0;-0.0}%), max {RssMaxMiB} MiB");
        text.AppendLine("RSS curve (MiB, one point per tenth of the run): " + string.Join(" ", Curve(1)));
        text.AppendLine("managed heap (MiB, same points): " + string.Join(" ", Curve(2)) + "; GC committed: " + string.Join(" ", Curve(3)));
        text.AppendLine("shards known (same points): " + string.Join(" ", Curve(4)));
        text.AppendLine("resharding: " + string.Join(", ", Reshards.GroupBy(r => r.Action).Select(g =>
            string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count(r => r.Succeeded)}/{g.Count()}"))));
        text.AppendLine("errors: " + (Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{e.Operation} {e.Type} x{e.Count}{(e.Expected ? "" : " (UNEXPECTED)")}")))));
        text.AppendLine();
        foreach (ScenarioCheck c in Checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{c.Verdict}  {c.Name}: {c.Measured}  [{c.Rule}]");
        }
        return text.ToString();
    }

    private IEnumerable<string> Curve(int column)
    {
        if (RssSamples.Count == 0)
        {
            yield break;
        }
        for (int i = 0; i < 10; i++)
        {
            yield return RssSamples[Math.Min(RssSamples.Count - 1, i * RssSamples.Count / 10)][column].ToString(CultureInfo.InvariantCulture);
        }
        yield return RssSamples[^1][column].ToString(CultureInfo.InvariantCulture);
    }
}
