using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>Writes a <c>hot-shard</c> run directory: the report's JSON, per-shard heatmaps of offered and throttled MiB/s (both phases), throttling over time, summary.md.</summary>
public static class HotShardRunDirectory
{
    /// <summary>Writes <paramref name="report"/> into <paramref name="run"/>.</summary>
    public static void Write(RunDirectory run, HotShardReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        run.WriteJson("hot-shard.json", report);
        var summary = new RunSummary();
        if (report.OnDemandTimeline is { } onDemand)
        {
            Heatmaps(run, summary, onDemand, "on-demand", "simulated minute");
        }
        if (report.ProvisionedTimeline is { } provisioned)
        {
            Heatmaps(run, summary, provisioned, "provisioned", "simulated second");
        }
        double[] windowEnds = [.. report.OnDemand.Select(w => (double)w.ToMinute)];
        Charts.Lines(run.Chart("on-demand-throttled.svg"), "hot-shard, on-demand: throttled share of records per window", "simulated minute (window end)", "% throttled",
        [
            new ChartSeries("all records", windowEnds, [.. report.OnDemand.Select(w => w.ThrottledFraction * 100)]),
            new ChartSeries($"hot key {report.HotKey}", windowEnds, [.. report.OnDemand.Select(w => w.HotKeyShardThrottledFraction * 100)]),
        ]);
        summary.Image("throttled share per window", $"{RunDirectory.ChartsFolder}/on-demand-throttled.svg");
        summary.Text(HotShardCommand.ToTable(report));
        run.WriteSummary(summary);
    }

    /// <summary>Writes a real-time <paramref name="report"/> into <paramref name="run"/>: its JSON, per-shard heatmaps per second, summary.md.</summary>
    public static void WriteRealTime(RunDirectory run, HotShardRealTimeReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        run.WriteJson("hot-shard-real-time.json", report);
        var summary = new RunSummary();
        if (report.Timeline is { } timeline)
        {
            Heatmaps(run, summary, timeline, "real-time", "second");
        }
        summary.Text(HotShardCommand.ToTable(report));
        run.WriteSummary(summary);
    }

    private static void Heatmaps(RunDirectory run, RunSummary summary, HotShardTimeline timeline, string phase, string xLabel)
    {
        if (timeline.Shards.Count == 0)
        {
            return;
        }
        string[] labels = [.. timeline.Shards.Select(s => s.Replace("shardId-", "", StringComparison.Ordinal).TrimStart('0') is { Length: > 0 } n ? $"shard {n}" : "shard 0")];
        string offered = $"{phase}-offered-heatmap.svg", throttled = $"{phase}-throttled-heatmap.svg";
        string bucket = timeline.BucketSeconds >= 60 ? "minute" : "second";
        Charts.Heatmap(run.Chart(offered), $"hot-shard, {phase}: offered MiB/s per shard per {bucket} (blank: shard not open)", xLabel, "shard", labels, timeline.OfferedMiBps(), "offered MiB/s");
        Charts.Heatmap(run.Chart(throttled), $"hot-shard, {phase}: throttled MiB/s per shard per {bucket}", xLabel, "shard", labels, timeline.ThrottledMiBps(), "throttled MiB/s");
        summary.Heading(string.Create(CultureInfo.InvariantCulture, $"{phase}: per shard, {timeline.Buckets} {bucket}s"))
            .Image($"{phase}: offered per shard", $"{RunDirectory.ChartsFolder}/{offered}")
            .Image($"{phase}: throttled per shard", $"{RunDirectory.ChartsFolder}/{throttled}");
    }
}
