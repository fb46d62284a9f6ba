using System.Globalization;
using System.Text;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>The report as Markdown: one table per sweep, its ceiling and what bounded it.</summary>
public static class CeilingMarkdown
{
    /// <summary>A point on one line, for the progress display.</summary>
    public static string OneLine(CeilingPointResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string errors = r.Clean ? "" : Invariant($", NOT CLEAN: {r.TotalFailed} failed records, {r.FailedCalls} failed calls{(r.FirstError is null ? "" : " (" + r.FirstError + ")")}{(r.Inconsistency is null ? "" : "; " + r.Inconsistency)}");
        return Invariant($"{r.RecordsPerSecond:N0} records/s, {r.MegabytesPerSecond:0.##} MB/s, p50 {Ms(r.Latency?.P50)} ms, p99 {Ms(r.Latency?.P99)} ms; {r.LimitedBy}{errors}");
    }

    /// <summary>The whole report.</summary>
    public static string Render(CeilingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        CeilingParameters p = report.Parameters;
        text.AppendLine("# ceiling");
        text.AppendLine();
        text.AppendLine(Invariant($"Highest sustained PutRecords throughput, limits off. Each sweep varies one parameter around {p.BaseShards} shards, {ScenarioFormat.Size(p.BaseRecordBytes)} records, {p.BaseProducers} producers; each point runs {p.WarmupSeconds:0.##} s of warm-up, then a {p.MeasureSeconds:0.##} s measured window. A record's size is its data plus its {p.PartitionKeyBytes}-byte partition key (as Kinesis counts it); MB/s are 10^6 of those bytes per second. Latency is one PutRecords call, from send until every record of it was acknowledged. Each producer has one call in flight."));
        text.AppendLine();
        CeilingMachine m = report.Machine;
        text.AppendLine(Invariant($"Machine: {m.Name}, {m.CpuModel}, {m.Cores} cores, {m.MemoryGiB} GiB, {m.Os} (kernel {m.Kernel}), {m.Runtime}; commit {m.GitCommit}; data under {m.DataDirectory} on {m.Disk ?? "?"}; load average {m.LoadAverageBefore} before, {m.LoadAverageAfter} after; {m.WallSeconds:0} s of wall time."));
        text.AppendLine();
        foreach (CeilingTargetInfo t in report.Targets)
        {
            text.AppendLine(Invariant($"- {t.Mode}: {t.Description}; storage device {t.Device}. Acks: {t.AckSemantics}."));
        }
        foreach (CeilingSeries s in report.Series)
        {
            if (s.Values.Count < 2 && report.Series.Any(o => o.Mode == s.Mode && o.Values.Count > 1))
            {
                continue; // a one-value sweep is the base point, shown in the other sweeps
            }
            text.AppendLine();
            text.AppendLine(Invariant($"## {s.Mode}: {AxisName(s.Axis)} ({Fixed(s)})"));
            text.AppendLine();
            text.AppendLine(Invariant($"| {AxisName(s.Axis)} | records/s | MB/s | p50 ms | p90 ms | p99 ms | p99.9 ms | calls | engine CPU % | harness CPU % | machine CPU % | disk busy % | flushes/s | commits/s | limited by |"));
            text.AppendLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
            foreach (CeilingSeriesPoint v in s.Values)
            {
                CeilingPointResult r = report.Points[v.Point];
                CeilingResources u = r.Resources;
                string x = s.Axis == CeilingAxis.RecordBytes ? ScenarioFormat.Size(v.X) : v.X.ToString(CultureInfo.InvariantCulture);
                string mark = v.Point == s.CeilingPoint ? " **ceiling**" : "";
                string clean = r.Clean ? "" : " (NOT CLEAN)";
                text.AppendLine(Invariant($"| {x}{mark} | {r.RecordsPerSecond:N0} | {r.MegabytesPerSecond:0.##} | {Ms(r.Latency?.P50)} | {Ms(r.Latency?.P90)} | {Ms(r.Latency?.P99)} | {Ms(r.Latency?.P999)} | {r.Latency?.Calls ?? 0} | {N(u.ServerCpuPercent)} | {(s.Mode == CeilingMode.Embedded ? "same" : N(u.HarnessCpuPercent))} | {N(u.MachineCpuPercent)} | {N(u.DiskBusyPercent)} | {N(u.DiskFlushesPerSecond)} | {N(u.EngineCommitsPerSecond)} | {r.LimitedBy}{clean} |"));
            }
            if (s.CeilingPoint >= 0)
            {
                CeilingPointResult c = report.Points[s.CeilingPoint];
                text.AppendLine();
                text.AppendLine(Invariant($"Ceiling: {c.Point.Label}: {c.RecordsPerSecond:N0} records/s, {c.MegabytesPerSecond:0.##} MB/s, p99 {Ms(c.Latency?.P99)} ms. Bound: {LimitText(c.LimitedBy)} ({c.LimitReason}).{(c.RecordsEachSecond.Count > 1 ? Invariant($" Its whole seconds ranged over {CeilingAccounting.Spread(c.RecordsEachSecond):P0} of their mean.") : "")}"));
            }
        }
        IEnumerable<CeilingPointResult> unclean = report.Points.Where(r => !r.Clean);
        text.AppendLine();
        text.AppendLine(unclean.Any()
            ? "Points with errors: " + string.Join("; ", unclean.Select(r => r.Point.Label + ": " + OneLine(r)))
            : Invariant($"Every point clean: no refused record, no failed call, and on every shard the acknowledged sequence counters were exactly 1..n ({report.Points.Sum(r => r.TotalAcked):N0} records acknowledged in all){(report.Parameters.VerifyReadBack ? ", every record read back" : "")}."));
        foreach (CeilingTrace t in report.Traces)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"Trace ({t.Mode}, pid {t.ProcessId}, {t.Bytes / 1e6:0.#} MB): {t.Path}; {t.HowToOpen}."));
        }
        return text.ToString();
    }

    /// <summary>What a bound means, in words.</summary>
    public static string LimitText(CeilingLimit limit) => limit switch
    {
        CeilingLimit.ServerCpu => "the engine's process used nearly every core",
        CeilingLimit.MachineCpu => "the cores were nearly all busy, shared with the producers or other processes",
        CeilingLimit.Disk => "the disk was busy nearly all the window",
        CeilingLimit.Concurrency => "neither CPU nor disk saturated; the producers' calls in flight set the rate",
        _ => "unknown (counters unreadable)",
    };

    private static string AxisName(CeilingAxis axis) => axis switch
    {
        CeilingAxis.Shards => "shards",
        CeilingAxis.RecordBytes => "record size",
        _ => "producers",
    };

    private static string Fixed(CeilingSeries s) => s.Axis switch
    {
        CeilingAxis.Shards => Invariant($"{ScenarioFormat.Size(s.FixedRecordBytes)} records, {s.FixedProducers} producers"),
        CeilingAxis.RecordBytes => Invariant($"{s.FixedShards} shards, {s.FixedProducers} producers"),
        _ => Invariant($"{s.FixedShards} shards, {ScenarioFormat.Size(s.FixedRecordBytes)} records"),
    };

    private static string Ms(double? microseconds) => microseconds is { } us ? (us / 1000).ToString(us < 10_000 ? "0.###" : "0.#", CultureInfo.InvariantCulture) : "-";

    private static string N(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
