using System.Text.Json;
using Runnel.Harness.ComparePeers;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The report: the JSON shape issue 6 item 4 asks for, the table, and the verdict behind the exit code.</summary>
public class ComparePeersReportTests
{
    private static readonly string[] s_requiredMembers = ["write_records_s", "write_mb_s", "read_records_s", "read_mb_s", "p50_ms", "p99_ms"];

    private static ComparePeersReport Report(PeerMeasurement runnel, PeerMeasurement? kinesalite) =>
        new(new ComparePeersOptions { Quick = true, Duration = TimeSpan.FromSeconds(8) },
        [
            new WorkloadResult(PeerWorkload.Batch500,
            [
                PeerResult.Measured(PeerNames.Runnel, "runnel serve --limits off", runnel),
                kinesalite is null
                    ? PeerResult.Missing(PeerNames.Kinesalite, "kinesalite 3.3.3", "npm install kinesalite@3.3.3 failed: exit code 1")
                    : PeerResult.Measured(PeerNames.Kinesalite, "kinesalite 3.3.3", kinesalite),
                PeerResult.Missing(PeerNames.KinesisMock, "kinesis-mock 0.6.2", "did not start: exited with code 1"),
            ]),
        ],
        new Dictionary<string, string> { ["load_at_start"] = "0.10 0.20 0.30" });

    [Fact]
    public void ToJson_MeasuredAndMissingTargets_HasTheIssuesShape()
    {
        ComparePeersReport report = Report(PeerMeasurementTests.Make(writeRecordsPerSecond: 40_000), PeerMeasurementTests.Make(writeRecordsPerSecond: 1_000));

        using JsonDocument json = JsonDocument.Parse(report.ToJson());

        JsonElement workload = Assert.Single(json.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal("putrecords-500x1k", workload.GetProperty("name").GetString());
        JsonElement[] targets = [.. workload.GetProperty("targets").EnumerateArray()];
        Assert.Equal(["runnel", "kinesalite", "kinesis-mock"], targets.Select(t => t.GetProperty("name").GetString()));
        foreach (string member in s_requiredMembers)
        {
            Assert.Equal(JsonValueKind.Number, targets[0].GetProperty(member).ValueKind);
            Assert.Equal(JsonValueKind.Number, targets[1].GetProperty(member).ValueKind);
            Assert.Equal(JsonValueKind.Null, targets[2].GetProperty(member).ValueKind);
        }
        Assert.Equal(40_000, targets[0].GetProperty("write_records_s").GetDouble());
        Assert.Equal(40.96, targets[0].GetProperty("write_mb_s").GetDouble(), 3);
        Assert.Equal(40.0, targets[1].GetProperty("runnel_ratio").GetProperty("write_records_s").GetDouble(), 6);
        Assert.Equal("did not start: exited with code 1", targets[2].GetProperty("missing").GetString());
        Assert.Equal("0.10 0.20 0.30", json.RootElement.GetProperty("run").GetProperty("load_at_start").GetString());
        Assert.Equal("quick", json.RootElement.GetProperty("run").GetProperty("mode").GetString());
    }

    [Fact]
    public void Passed_RunnelShortOfTheWriteTarget_IsFalseAndTheJsonSaysSo()
    {
        ComparePeersReport report = Report(PeerMeasurementTests.Make(writeRecordsPerSecond: 10_000), PeerMeasurementTests.Make(writeRecordsPerSecond: 1_000));

        using JsonDocument json = JsonDocument.Parse(report.ToJson());

        Assert.False(report.Passed);
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("checks").EnumerateArray(),
            c => c.GetProperty("verdict").GetString() == "FAIL" && c.GetProperty("check").GetString()!.StartsWith("runnel write", StringComparison.Ordinal));
    }

    [Fact]
    public void Passed_KinesaliteMissing_IsTrueWithNotApplicableRatios()
    {
        ComparePeersReport report = Report(PeerMeasurementTests.Make(), null);

        Assert.True(report.Passed);
        Assert.Contains(report.Checks, c => c.Verdict == "N/A" && c.Description.StartsWith("runnel write", StringComparison.Ordinal));
    }

    [Fact]
    public void ToTable_MissingPeer_ShowsARowTheReasonAndTheVerdicts()
    {
        string table = Report(PeerMeasurementTests.Make(writeRecordsPerSecond: 40_000), PeerMeasurementTests.Make(writeRecordsPerSecond: 1_000)).ToTable();

        Assert.Contains("| putrecords-500x1k | runnel | 40,000 | 40.96 |", table, StringComparison.Ordinal);
        Assert.Contains("| putrecords-500x1k | kinesis-mock | missing |", table, StringComparison.Ordinal);
        Assert.Contains("kinesis-mock missing: did not start: exited with code 1", table, StringComparison.Ordinal);
        Assert.Contains("PASS putrecords-500x1k: runnel write records/s >= 20x kinesalite: 40.0x", table, StringComparison.Ordinal);
        Assert.Contains("| 40.0x |", table, StringComparison.Ordinal);
    }
}
