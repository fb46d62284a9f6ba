using System.Globalization;
using System.Text.Json;
using Runnel.Harness.Results;

namespace Runnel.Harness.Suite;

/// <summary>Reads the parts' outputs back for the suite's summary: check tallies, headline numbers, compare-log's latency CDF.</summary>
public static class SuiteFigures
{
    /// <summary>
    /// The checks in the JSON files of <paramref name="folder"/>: the scenarios' (an object with <c>rule</c> and a boolean
    /// <c>passed</c>), compare-log's targets (<c>target</c> and a PASS or FAIL <c>verdict</c>; N/A is not a check) and
    /// compare-peers' checks (<c>check</c> and a <c>verdict</c>; those with <c>gates: false</c> are reported only).
    /// </summary>
    public static SuiteCheckTally Checks(string folder)
    {
        int passed = 0, all = 0;
        foreach (JsonElement root in Documents(folder))
        {
            Walk(root, e =>
            {
                if (IsCheck(e) is { } ok)
                {
                    all++;
                    passed += ok ? 1 : 0;
                }
            });
        }
        return new SuiteCheckTally(passed, all);
    }

    /// <summary>The headline number of a part, from its JSON; empty when there is none to show.</summary>
    public static string KeyFigure(string part, string folder)
    {
        try
        {
            return part switch
            {
                "benchmarks" => Benchmarks(folder),
                "compare-log" => CompareLog(folder),
                "compare-peers" => First(folder, "compare-peers.json", r => string.Join("; ", r.GetProperty("workloads").EnumerateArray().Select(w =>
                    w.GetProperty("name").GetString() + ": " + string.Join(" vs ", w.GetProperty("targets").EnumerateArray().Select(t =>
                        Invariant($"{t.GetProperty("name").GetString()} {t.GetProperty("write_records_s").GetDouble():#,0}"))) + " records/s written"))),
                "resharding-under-load" => First(folder, "resharding.json", r =>
                {
                    JsonElement run = r.GetProperty("runs")[0];
                    JsonElement c = run.GetProperty("counts");
                    return Invariant($"{c.GetProperty("recordsAcknowledged").GetInt64()} acknowledged, {c.GetProperty("splits").GetInt32() + c.GetProperty("merges").GetInt32() + c.GetProperty("shardCountUpdates").GetInt32()} reshards, {c.GetProperty("lost").GetInt64()} lost (seed {run.GetProperty("options").GetProperty("seed").GetInt32()})");
                }),
                "hot-shard" => First(folder, "hot-shard.json", r =>
                {
                    JsonElement hot = r.GetProperty("provisioned").EnumerateArray().MaxBy(s => s.GetProperty("offeredMiBps").GetDouble());
                    return Invariant($"hot shard held to {hot.GetProperty("acceptedMiBps").GetDouble():0.###} of {hot.GetProperty("offeredMiBps").GetDouble():0.###} MiB/s offered; split at minute {r.GetProperty("hotShardSplitAtMinute")}");
                }),
                "on-demand" => Join(
                    First(folder, "on-demand.json", r =>
                    {
                        JsonElement spike = r.GetProperty("phases").EnumerateArray().First(p => p.GetProperty("phase").GetString()!.StartsWith("spike", StringComparison.Ordinal));
                        return Invariant($"250 MiB/s spike absorbed after {spike.GetProperty("absorbedAfterMinutes")} min, {spike.GetProperty("openShardsStart").GetInt32()} -> {spike.GetProperty("openShardsEnd").GetInt32()} shards") +
                            "; " + ModeSwitches(r.GetProperty("modeSwitch"));
                    }),
                    First(folder, "mode-switch.json", ModeSwitches)),
                "shard-limits" => First(folder, "shard-limits.json", r =>
                {
                    JsonElement c = r.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("case").GetString() == "put-bytes-1KiB-3.0x");
                    return Invariant($"1 KiB puts at 3x: {c.GetProperty("acceptedSteady").GetDouble():0.####} MiB/s accepted (steady), limit {c.GetProperty("limit").GetDouble():0.####}");
                }),
                _ => "",
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return $"(could not read the figures: {e.Message})";
        }
    }

    /// <summary>
    /// compare-log's latency percentiles (p50, p99, p99.9 of each case and engine) as CDF series in milliseconds; empty
    /// without the file. Only three points per series: the chart shows the tail's shape, not the distribution's detail.
    /// </summary>
    public static IReadOnlyList<ChartSeries> CompareLogLatency(string folder)
    {
        string path = Path.Combine(folder, "compare-log.json");
        if (!File.Exists(path))
        {
            return [];
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var series = new List<ChartSeries>();
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            foreach ((string engine, string property) in new[] { ("Runnel", "runnel_detail"), ("FasterLog", "fasterlog_detail") })
            {
                if (c.TryGetProperty(property, out JsonElement d) && d.TryGetProperty("latency_samples", out JsonElement samples) && samples.GetInt64() > 0)
                {
                    series.Add(ChartSeries.CdfFromPercentiles($"{engine} {c.GetProperty("name").GetString()}",
                        [(d.GetProperty("p50_us").GetDouble() / 1000, 0.5), (d.GetProperty("p99_us").GetDouble() / 1000, 0.99), (d.GetProperty("p999_us").GetDouble() / 1000, 0.999)]));
                }
            }
        }
        return series;
    }

    private static string CompareLog(string folder) => First(folder, "compare-log.json", r => string.Join("; ", r.GetProperty("cases").EnumerateArray().Take(2).Select(c =>
        Invariant($"{c.GetProperty("name").GetString()}: Runnel {c.GetProperty("runnel").GetDouble():0.#} vs FasterLog {c.GetProperty("fasterlog").GetDouble():0.#} {c.GetProperty("unit").GetString()}"))));

    private static string Benchmarks(string folder)
    {
        string results = Path.Combine(folder, "results");
        if (!Directory.Exists(results))
        {
            return "";
        }
        int reports = Directory.GetFiles(results, "*-report-github.md").Length;
        int cases = Directory.GetFiles(results, "*-report-full.json").Sum(f =>
        {
            using JsonDocument d = JsonDocument.Parse(File.ReadAllText(f));
            return d.RootElement.TryGetProperty("Benchmarks", out JsonElement b) ? b.GetArrayLength() : 0;
        });
        return Invariant($"{cases} cases in {reports} reports (benchmarks/results/*-report-github.md)");
    }

    /// <summary>The mode switches in a line: switched or refused, and the mode-switch checks passed.</summary>
    private static string ModeSwitches(JsonElement report)
    {
        JsonElement[] switches = [.. report.GetProperty("switches").EnumerateArray()];
        JsonElement[] checks = [.. report.GetProperty("checks").EnumerateArray()];
        return Invariant($"mode switches: {switches.Count(s => s.GetProperty("error").ValueKind == JsonValueKind.Null)} switched, {switches.Count(s => s.GetProperty("error").ValueKind != JsonValueKind.Null)} refused, {checks.Count(c => c.GetProperty("passed").GetBoolean())}/{checks.Length} checks pass");
    }

    /// <summary>Whether <paramref name="e"/> is a check that passed, failed, or (null) is not a check.</summary>
    private static bool? IsCheck(JsonElement e)
    {
        if (e.TryGetProperty("rule", out _) && e.TryGetProperty("passed", out JsonElement passed) && passed.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return passed.ValueKind == JsonValueKind.True;
        }
        bool gates = !e.TryGetProperty("gates", out JsonElement g) || g.ValueKind != JsonValueKind.False;
        if ((e.TryGetProperty("target", out _) || e.TryGetProperty("check", out _)) && gates
            && e.TryGetProperty("verdict", out JsonElement verdict) && verdict.ValueKind == JsonValueKind.String)
        {
            return verdict.GetString() switch
            {
                "PASS" => true,
                "FAIL" => false,
                _ => null,
            };
        }
        return null;
    }

    private static string Join(params string[] parts) => string.Join("; ", parts.Where(p => p.Length > 0));

    private static string First(string folder, string file, Func<JsonElement, string> read)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            return "";
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return read(document.RootElement);
    }

    private static IEnumerable<JsonElement> Documents(string folder)
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        foreach (string file in Directory.GetFiles(folder, "*.json").Where(f => Path.GetFileName(f) is not ("env.json" or "params.json")))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllText(file));
            }
            catch (JsonException)
            {
                continue;
            }
            using (document)
            {
                yield return document.RootElement.Clone();
            }
        }
    }

    private static void Walk(JsonElement element, Action<JsonElement> visit)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                visit(element);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Walk(property.Value, visit);
                }
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Walk(item, visit);
                }
                break;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
