using System.Xml.Linq;
using Runnel.Harness.CompareLog;
using Runnel.Storage.IoUring;

namespace Runnel.Harness.Tests;

/// <summary>compare-log's chart: every case drawn, against the issue's targets.</summary>
public sealed class CompareLogChartTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "runnel-compare-log-chart-" + Guid.NewGuid().ToString("N"));

    public CompareLogChartTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteChart_EveryCaseOneDidNotFinish_SvgNamesEveryCase()
    {
        CaseResult[] cases =
        [
            Case(CaseNames.Append1KGroup, Units.MegabytesPerSecond, runnel: 600e6, faster: 400e6),
            Case(CaseNames.Append100BGroup, Units.RecordsPerSecond, runnel: 1.8e6, faster: 4.4e6),
            CaseResult.DidNotFinish(CaseNames.Acks64Writers, Units.RecordsPerSecond, "fasterlog's round 1 did not finish"),
            Case(CaseNames.CommitPerRecord, Units.RecordsPerSecond, runnel: 5300, faster: 2200),
            Case(CaseNames.ScanCold, Units.MegabytesPerSecond, runnel: 1300e6, faster: 1700e6),
        ];
        var report = new CompareLogReport(new CompareLogOptions(), DeviceKind.IoUring, new DiskMeasurement(1650, 2000, null), cases);

        string path = report.WriteChart(Path.Combine(_directory, "compare-log.svg"));

        string svg = XDocument.Load(path).ToString();
        Assert.All(CaseNames.All, name => Assert.Contains(name, svg, StringComparison.Ordinal));
        Assert.Contains("target, / FasterLog", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_EachCase_TheIssuesFigures()
    {
        Assert.Equal([2.5, 1.5, 4, 3], [.. new[] { CaseNames.Append1KGroup, CaseNames.Append100BGroup, CaseNames.Acks64Writers, CaseNames.CommitPerRecord }
            .Select(CompareLogReport.RatioTarget)]);
        Assert.True(double.IsNaN(CompareLogReport.RatioTarget(CaseNames.ScanCold)));
        Assert.Equal(0.6, CompareLogReport.FioTarget(CaseNames.Append1KGroup));
        Assert.Equal(0.9, CompareLogReport.FioTarget(CaseNames.ScanCold));
    }

    private static CaseResult Case(string name, string unit, double runnel, double faster)
    {
        // One second of each: records = the per-second figure, or bytes of payload for MB/s.
        EngineMeasurement Of(double value) => unit == Units.MegabytesPerSecond
            ? EngineMeasurement.Create(1, (long)value, (long)value, 1, latency: null)
            : EngineMeasurement.Create((long)value, (long)value, (long)value, 1, latency: null);
        return new CaseResult
        {
            Name = name,
            Unit = unit,
            Description = name,
            Runnel = Of(runnel),
            FasterLog = Of(faster),
            RunnelRounds = [runnel],
            FasterLogRounds = [faster],
            Targets = [],
        };
    }
}
