using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Runnel.Harness.Results;
using Runnel.Storage.IoUring;

namespace Runnel.Harness.CompareLog;

/// <summary>The results of one <c>compare-log</c> run: the console table and the JSON document.</summary>
/// <param name="Options">What was run.</param>
/// <param name="Device">Runnel's device kind as resolved.</param>
/// <param name="Disk">fio's figures.</param>
/// <param name="Cases">Each case, in run order.</param>
public sealed record CompareLogReport(CompareLogOptions Options, DeviceKind Device, DiskMeasurement Disk, IReadOnlyList<CaseResult> Cases)
{
    /// <summary>The table: one row per case, the ratio next to the issue's target and a verdict.</summary>
    public string ToTable()
    {
        var table = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        table.AppendLine(c, $"| case | unit | Runnel | FasterLog | ratio | Runnel ack p50 / p99 | FasterLog ack p50 / p99 | target | measured | verdict |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (CaseResult result in Cases)
        {
            for (int i = 0; i < result.Targets.Count; i++)
            {
                TargetCheck target = result.Targets[i];
                string row = i == 0
                    ? string.Create(c, $"| {result.Name} | {result.Unit} | {Value(result.RunnelValue)} | {Value(result.FasterLogValue)} | {result.Ratio:0.00} | {Latency(result.Runnel)} | {Latency(result.FasterLog)} ")
                    : "| | | | | | | ";
                table.AppendLine(c, $"{row}| {target.Description} | {target.Measured} | {target.Verdict} |");
            }
        }
        table.AppendLine();
        string readAgain = Disk.ReadAtStartMegabytesPerSecond is double atStart
            ? string.Create(c, $" (measured again just before scan-cold; at the start of the run: {Value(atStart)} MB/s)")
            : string.Empty;
        table.AppendLine(c, $"disk (fio, 1 MiB, O_DIRECT, io_uring, iodepth 8): write {Value(Disk.WriteMegabytesPerSecond)} MB/s, read {Value(Disk.ReadMegabytesPerSecond)} MB/s{readAgain}");
        if (Disk.Note is not null)
        {
            table.AppendLine(c, $"disk note: {Disk.Note}");
        }
        foreach (CaseResult result in Cases.Where(r => r.Note is not null))
        {
            table.AppendLine(c, $"{result.Name} note: {result.Note}");
        }
        table.AppendLine("MB/s = 10^6 bytes of record data per second (partition keys and frame/entry headers not counted).");
        return table.ToString();
    }

    /// <summary>
    /// Writes the run as a chart (.svg or .png, <see cref="Charts.Bars"/>): per case, Runnel / FasterLog next to the
    /// issue's ratio target, and Runnel / fio next to the fio target where the case has one (append-1k-group's write,
    /// scan-cold's read). A case that did not finish, or a figure with no fio, draws no bar. Returns the path.
    /// </summary>
    public string WriteChart(string path)
    {
        string[] names = [.. Cases.Select(c => c.Name)];
        double[] ratio = [.. Cases.Select(c => c.Error is null ? c.Ratio : double.NaN)];
        double[] ratioTarget = [.. Cases.Select(c => RatioTarget(c.Name))];
        double[] ofFio = [.. Cases.Select(OfFio)];
        double[] fioTarget = [.. Cases.Select(c => FioTarget(c.Name))];
        ChartSeries[] series =
        [
            ChartSeries.Evenly("Runnel / FasterLog", ratio),
            ChartSeries.Evenly("target, / FasterLog", ratioTarget) with { Dashed = true },
            ChartSeries.Evenly("Runnel / fio", ofFio),
            ChartSeries.Evenly("target, / fio", fioTarget) with { Dashed = true },
        ];
        return Charts.Bars(
            path,
            $"compare-log: Runnel against FasterLog and fio ({Device}{(Options.Direct ? ", O_DIRECT" : string.Empty)})",
            "ratio",
            names,
            [.. series.Where(s => s.Y.Any(double.IsFinite))]); // no empty slots for the fio pair when no case has fio
    }

    /// <summary>Issue 3's Runnel / FasterLog target of a case; NaN for scan-cold (its target is against fio).</summary>
    public static double RatioTarget(string name) => name switch
    {
        CaseNames.Append1KGroup => 2.5,
        CaseNames.Append100BGroup => 1.5,
        CaseNames.Acks64Writers => 4,
        CaseNames.CommitPerRecord => 3,
        _ => double.NaN,
    };

    /// <summary>Issue 3's Runnel / fio target of a case (append-1k-group: 60 % of the write, scan-cold: 90 % of the read); NaN for the others.</summary>
    public static double FioTarget(string name) => name switch
    {
        CaseNames.Append1KGroup => 0.6,
        CaseNames.ScanCold => 0.9,
        _ => double.NaN,
    };

    private double OfFio(CaseResult c)
    {
        double? fio = c.Name switch
        {
            CaseNames.Append1KGroup => Disk.WriteMegabytesPerSecond,
            CaseNames.ScanCold => Disk.ReadMegabytesPerSecond,
            _ => null,
        };
        return c.Error is null && fio is double d && d > 0 ? c.Runnel.PayloadMegabytesPerSecond / d : double.NaN;
    }

    /// <summary>Writes <c>{"cases":[{"name","runnel","fasterlog","ratio","unit",...}],"disk":{"write_mb_s","read_mb_s"}}</c> and more.</summary>
    public void WriteJson(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("cases");
        foreach (CaseResult result in Cases)
        {
            json.WriteStartObject();
            json.WriteString("name", result.Name);
            json.WriteNumber("runnel", Round(result.RunnelValue));
            json.WriteNumber("fasterlog", Round(result.FasterLogValue));
            WriteNumberOrNull(json, "ratio", double.IsFinite(result.Ratio) ? Math.Round(result.Ratio, 3) : null);
            json.WriteString("unit", result.Unit);
            json.WriteString("verdict", result.Verdict);
            json.WriteString("description", result.Description);
            json.WriteStartArray("targets");
            foreach (TargetCheck target in result.Targets)
            {
                json.WriteStartObject();
                json.WriteString("target", target.Description);
                json.WriteString("measured", target.Measured);
                json.WriteString("verdict", target.Verdict);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteEngine(json, "runnel_detail", result.Runnel, result.RunnelRounds);
            WriteEngine(json, "fasterlog_detail", result.FasterLog, result.FasterLogRounds);
            if (result.Note is not null)
            {
                json.WriteString("note", result.Note);
            }
            if (result.Error is not null)
            {
                json.WriteString("error", result.Error);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("disk");
        WriteNumberOrNull(json, "write_mb_s", Disk.WriteMegabytesPerSecond is double w ? Round(w) : null);
        WriteNumberOrNull(json, "read_mb_s", Disk.ReadMegabytesPerSecond is double r ? Round(r) : null);
        if (Disk.ReadAtStartMegabytesPerSecond is double readAtStart)
        {
            // read_mb_s was measured again just before scan-cold, which it is the basis of; this is the start's.
            json.WriteNumber("read_mb_s_at_start", Round(readAtStart));
        }
        json.WriteString("fio", "--bs=1M --direct=1 --ioengine=io_uring --iodepth=8, --rw=write then --rw=read after drop_caches");
        if (Disk.Note is not null)
        {
            json.WriteString("note", Disk.Note);
        }
        json.WriteEndObject();
        json.WriteStartObject("run");
        json.WriteString("mode", Options.Quick ? "quick" : "full");
        json.WriteNumber("seconds_per_engine_per_case", Options.Duration.TotalSeconds);
        json.WriteNumber("rounds", Options.Rounds);
        json.WriteString("runnel_device", Device.ToString());
        json.WriteBoolean("runnel_direct", Options.Direct);
        json.WriteString("fasterlog", "Microsoft.FASTER.Core 2.6.5, CreateLogDevice (O_SYNC buffered), PageSizeBits 22, MemorySizeBits 26, SegmentSizeBits 30, no checksum");
        json.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        json.WriteString("os", RuntimeInformation.OSDescription);
        json.WriteNumber("processors", Environment.ProcessorCount);
        json.WriteString("finished_utc", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEngine(Utf8JsonWriter json, string name, EngineMeasurement m, IReadOnlyList<double> rounds)
    {
        json.WriteStartObject(name);
        json.WriteNumber("records", m.Records);
        json.WriteNumber("seconds", Math.Round(m.Seconds, 3));
        json.WriteNumber("records_per_s", Round(m.RecordsPerSecond));
        json.WriteNumber("payload_mb_s", Round(m.PayloadMegabytesPerSecond));
        json.WriteNumber("stored_mb_s", Round(m.StoredMegabytesPerSecond));
        WriteNumberOrNull(json, "p50_us", m.P50Microseconds is double p50 ? Round(p50) : null);
        WriteNumberOrNull(json, "p99_us", m.P99Microseconds is double p99 ? Round(p99) : null);
        WriteNumberOrNull(json, "p999_us", m.P999Microseconds is double p999 ? Round(p999) : null);
        json.WriteNumber("latency_samples", m.LatencySamples);
        json.WriteStartArray("rounds");
        foreach (double value in rounds)
        {
            json.WriteNumberValue(Round(value));
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static double Round(double value) => Math.Round(value, value >= 100 ? 0 : 2);

    private static string Value(double? value) => value switch
    {
        null => "n/a",
        >= 100 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Latency(EngineMeasurement m) =>
        m.P50Microseconds is double p50 && m.P99Microseconds is double p99
            ? string.Create(CultureInfo.InvariantCulture, $"{p50 / 1000:0.00} / {p99 / 1000:0.00} ms")
            : "-";
}
