using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Runnel.Harness.ComparePeers;

/// <summary>The results of one <c>compare-peers</c> run: the Markdown table, the checks, and the JSON document.</summary>
/// <param name="Options">What was run.</param>
/// <param name="Workloads">Each workload's targets, in run order.</param>
/// <param name="Machine">Facts about the machine and the run (load averages, versions), written into the JSON's <c>run</c>.</param>
public sealed record ComparePeersReport(ComparePeersOptions Options, IReadOnlyList<WorkloadResult> Workloads, IReadOnlyDictionary<string, string> Machine)
{
    /// <summary>Every check of every workload, in print order.</summary>
    public IReadOnlyList<PeerCheck> Checks => [.. Workloads.SelectMany(PeerTargets.Evaluate)];

    /// <summary>True unless a check that gates failed (N/A does not fail: a missing peer is reported, not an error).</summary>
    public bool Passed => Checks.All(c => !c.Gates || c.Passed != false);

    /// <summary>The table (one row per workload and target, with the ratios to Runnel), the missing targets and the checks.</summary>
    public string ToTable()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("| workload | target | write records/s | write MB/s | read records/s | read MB/s | put p50 / p99 ms | server CPU us/record | failures | read / acked | runnel write x | runnel read x | runnel p99 better x |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (WorkloadResult workload in Workloads)
        {
            PeerMeasurement? runnel = workload.MeasurementOf(PeerNames.Runnel);
            foreach (PeerResult target in workload.Targets)
            {
                if (target.Measurement is not PeerMeasurement m)
                {
                    table.AppendLine(c, $"| {workload.Workload.Name} | {target.Name} | missing | | | | | | | | | | |");
                    continue;
                }
                bool isRunnel = target.Name == PeerNames.Runnel;
                string ratios = isRunnel || runnel is null
                    ? "| | | "
                    : $"| {Times(PeerTargets.Times(runnel.WriteRecordsPerSecond, m.WriteRecordsPerSecond))} | {Times(PeerTargets.Times(runnel.ReadRecordsPerSecond, m.ReadRecordsPerSecond))} | {Times(PeerTargets.Times(m.P99Milliseconds, runnel.P99Milliseconds))} ";
                table.AppendLine(c, $"| {workload.Workload.Name} | {target.Name} | {Number(m.WriteRecordsPerSecond)} | {Number(m.WriteMegabytesPerSecond)} | {Number(m.ReadRecordsPerSecond)} | {Number(m.ReadMegabytesPerSecond)} | {Latency(m)} | {m.ServerCpuMicrosecondsPerRecord:0.0} | {m.Failures.ToString("N0", c)} | {m.ReadRecords.ToString("N0", c)} / {m.AcknowledgedRecords.ToString("N0", c)} {ratios}|");
            }
        }
        table.AppendLine();
        foreach (WorkloadResult workload in Workloads)
        {
            foreach (PeerResult target in workload.Targets)
            {
                if (target.MissingReason is not null)
                {
                    table.AppendLine(c, $"{workload.Workload.Name}: {target.Name} missing: {target.MissingReason}");
                }
                else if (target.Measurement is { FirstFailure: string failure })
                {
                    table.AppendLine(c, $"{workload.Workload.Name}: {target.Name} first failure: {failure}");
                }
            }
        }
        foreach (PeerCheck check in Checks)
        {
            string note = check.Gates ? "" : " (reported only)";
            table.AppendLine(c, $"{check.Verdict} {check.Workload}: {check.Description}: {check.Measured}{note}");
        }
        table.AppendLine("MB/s = 10^6 bytes of record data per second (partition keys and JSON/base64 overhead not counted); latencies are of whole successful PutRecords calls; server CPU is the target process's user+system time in the timed phase.");
        return table.ToString();
    }

    /// <summary>
    /// Writes <c>{"workloads":[{"name","targets":[{"name","write_records_s","write_mb_s","read_records_s","read_mb_s","p50_ms","p99_ms",...}]}],
    /// "checks":[...],"passed":..,"run":{...}}</c> (a missing target has nulls and a <c>missing</c> reason).
    /// </summary>
    public void WriteJson(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllBytes(path, ToJson());
    }

    /// <summary>The JSON document as UTF-8 (indented).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("workloads");
            foreach (WorkloadResult workload in Workloads)
            {
                WriteWorkload(json, workload);
            }
            json.WriteEndArray();
            json.WriteStartArray("checks");
            foreach (PeerCheck check in Checks)
            {
                json.WriteStartObject();
                json.WriteString("workload", check.Workload);
                json.WriteString("check", check.Description);
                json.WriteString("measured", check.Measured);
                json.WriteString("verdict", check.Verdict);
                json.WriteBoolean("gates", check.Gates);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteBoolean("passed", Passed);
            json.WriteStartObject("run");
            json.WriteString("mode", Options.Quick ? "quick" : "full");
            json.WriteNumber("seconds_per_workload_per_target", Options.Duration.TotalSeconds);
            json.WriteNumber("warmup_seconds", Options.Warmup.TotalSeconds);
            json.WriteNumber("callers", Options.Callers);
            json.WriteNumber("shards", Options.Shards);
            json.WriteString("transport", "HTTP/1.1, awsJson1_1, SigV4 (dummy credentials), one keep-alive connection per caller");
            foreach ((string name, string value) in Machine)
            {
                json.WriteString(name, value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteWorkload(Utf8JsonWriter json, WorkloadResult workload)
    {
        PeerMeasurement? runnel = workload.MeasurementOf(PeerNames.Runnel);
        json.WriteStartObject();
        json.WriteString("name", workload.Workload.Name);
        json.WriteNumber("records_per_call", workload.Workload.RecordsPerCall);
        json.WriteNumber("record_bytes", workload.Workload.RecordBytes);
        json.WriteStartArray("targets");
        foreach (PeerResult target in workload.Targets)
        {
            PeerMeasurement? m = target.Measurement;
            json.WriteStartObject();
            json.WriteString("name", target.Name);
            json.WriteString("version", target.Version);
            NumberOrNull(json, "write_records_s", m?.WriteRecordsPerSecond);
            NumberOrNull(json, "write_mb_s", m?.WriteMegabytesPerSecond);
            NumberOrNull(json, "read_records_s", m?.ReadRecordsPerSecond);
            NumberOrNull(json, "read_mb_s", m?.ReadMegabytesPerSecond);
            NumberOrNull(json, "p50_ms", m?.P50Milliseconds);
            NumberOrNull(json, "p99_ms", m?.P99Milliseconds);
            if (m is null)
            {
                json.WriteString("missing", target.MissingReason);
                json.WriteEndObject();
                continue;
            }
            json.WriteNumber("acknowledged_records", m.AcknowledgedRecords);
            json.WriteNumber("timed_records", m.WriteRecords);
            json.WriteNumber("read_records", m.ReadRecords);
            json.WriteBoolean("read_matches_acknowledged", m.ReadMatchesAcknowledged);
            json.WriteNumber("failed_calls", m.FailedCalls);
            json.WriteNumber("failed_records", m.FailedRecords);
            json.WriteNumber("put_calls", m.Calls);
            json.WriteNumber("get_records_calls", m.ReadCalls);
            json.WriteNumber("write_seconds", Math.Round(m.WriteSeconds, 3));
            json.WriteNumber("read_seconds", Math.Round(m.ReadSeconds, 3));
            json.WriteNumber("server_cpu_s", Math.Round(m.ServerCpuSeconds, 2));
            json.WriteNumber("generator_cpu_s", Math.Round(m.GeneratorCpuSeconds, 2));
            json.WriteNumber("server_cpu_us_per_record", Math.Round(m.ServerCpuMicrosecondsPerRecord, 2));
            json.WriteNumber("read_server_cpu_s", Math.Round(m.ReadServerCpuSeconds, 2));
            json.WriteNumber("read_generator_cpu_s", Math.Round(m.ReadGeneratorCpuSeconds, 2));
            if (m.ReadError is not null)
            {
                json.WriteString("read_error", m.ReadError);
            }
            if (m.FirstFailure is not null)
            {
                json.WriteString("first_failure", m.FirstFailure);
            }
            if (runnel is not null && target.Name != PeerNames.Runnel)
            {
                json.WriteStartObject("runnel_ratio");
                NumberOrNull(json, "write_records_s", PeerTargets.Times(runnel.WriteRecordsPerSecond, m.WriteRecordsPerSecond));
                NumberOrNull(json, "read_records_s", PeerTargets.Times(runnel.ReadRecordsPerSecond, m.ReadRecordsPerSecond));
                NumberOrNull(json, "p99_better", PeerTargets.Times(m.P99Milliseconds, runnel.P99Milliseconds));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            json.WriteNumber(name, Math.Round(v, v >= 100 ? 0 : 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Number(double value) => value >= 100
        ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Times(double? ratio) => ratio is double r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "n/a";

    private static string Latency(PeerMeasurement m) =>
        m.P50Milliseconds is double p50 && m.P99Milliseconds is double p99
            ? string.Create(CultureInfo.InvariantCulture, $"{p50:0.00} / {p99:0.00}")
            : "-";
}
