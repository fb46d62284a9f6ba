using Runnel.Harness.Scenarios.Ceiling;
using Runnel.Testing;

namespace Runnel.Harness.Tests;

/// <summary>A tiny real ceiling run: the embedded engine on a temporary directory, two points of about a second.</summary>
public class CeilingEmbeddedRunTests
{
    [Fact]
    public async Task CeilingRun_TinyEmbeddedSweep_CountsEveryAckedRecordAndNoError()
    {
        using var data = new TempDirectory();
        var options = new CeilingOptions([CeilingMode.Embedded], Shards: [1, 3], RecordBytes: [1024], Producers: [2],
            WarmupSeconds: 0.2, MeasureSeconds: 1.0, VerifyReadBack: true, DataRoot: data.Path);

        CeilingReport report = await new CeilingRun(options, "ceiling (test)", traceDirectory: null, TextWriter.Null).RunAsync();

        Assert.Equal(2, report.Points.Count);
        foreach (CeilingPointResult point in report.Points)
        {
            Assert.True(point.Clean, CeilingMarkdown.OneLine(point));
            Assert.Null(point.FirstError);
            Assert.Equal(0, point.TotalFailed);
            Assert.True(point.WindowRecords > 0, "no record acknowledged in the window");
            Assert.InRange(point.WindowRecords, 1, point.TotalAcked);
            // Every record the producers counted as acknowledged is stored, and no other.
            Assert.Equal(point.TotalAcked, point.StoredRecords);
            Assert.Equal(0, point.WindowRecords % point.Point.BatchRecords); // whole PutRecords calls
            Assert.True(point.RecordsPerSecond > 0 && point.MegabytesPerSecond > 0);
            Assert.Equal(point.MegabytesPerSecond, point.RecordsPerSecond * 1024 / 1e6, tolerance: 0.001); // both rounded
            Assert.NotNull(point.Latency);
            Assert.Equal(point.WindowRecords / point.Point.BatchRecords, point.Latency.Calls);
            Assert.True(point.Latency.P50 <= point.Latency.P99 && point.Latency.P99 <= point.Latency.Max);
            Assert.Equal(1024 - CeilingWorkload.KeyLength, point.DataBytes);
            Assert.True(point.Resources.EngineCommitsPerSecond > 0, "the counting device saw no group commit");
        }
        Assert.Equal(3, report.Series.Count);
        CeilingSeries shards = report.Series.Single(s => s.Axis == CeilingAxis.Shards);
        Assert.Equal([1, 3], shards.Values.Select(v => v.X));
        Assert.Contains(shards.CeilingPoint, shards.Values.Select(v => v.Point));
        Assert.Contains("Every point clean", CeilingMarkdown.Render(report), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(data.Path)); // the run's data directory is removed
    }
}
