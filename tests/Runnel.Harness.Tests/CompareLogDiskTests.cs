using System.Text.Json;
using Runnel.Harness.CompareLog;
using Runnel.Storage.IoUring;

namespace Runnel.Harness.Tests;

/// <summary>compare-log's disk figures: the read the scans are compared with, and the start's when fio ran again.</summary>
public sealed class CompareLogDiskTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "runnel-compare-log-disk-" + Guid.NewGuid().ToString("N"));

    public CompareLogDiskTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Report_ReadMeasuredAgainBeforeScan_JsonAndTableGiveBothReads()
    {
        var disk = new DiskMeasurement(1900, 1450, null, ReadAtStartMegabytesPerSecond: 2300);
        var report = new CompareLogReport(new CompareLogOptions(), DeviceKind.IoUring, disk, []);
        string path = Path.Combine(_directory, "compare-log.json");

        report.WriteJson(path);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement written = json.RootElement.GetProperty("disk");
        Assert.Equal(1900, written.GetProperty("write_mb_s").GetDouble());
        Assert.Equal(1450, written.GetProperty("read_mb_s").GetDouble());
        Assert.Equal(2300, written.GetProperty("read_mb_s_at_start").GetDouble());
        Assert.Contains("read 1,450 MB/s (measured again just before scan-cold; at the start of the run: 2,300 MB/s)", report.ToTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ReadMeasuredOnce_NoStartFigure()
    {
        var report = new CompareLogReport(new CompareLogOptions(), DeviceKind.IoUring, new DiskMeasurement(1900, 2300, null), []);
        string path = Path.Combine(_directory, "compare-log.json");

        report.WriteJson(path);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement written = json.RootElement.GetProperty("disk");
        Assert.Equal(2300, written.GetProperty("read_mb_s").GetDouble());
        Assert.False(written.TryGetProperty("read_mb_s_at_start", out _));
        Assert.DoesNotContain("measured again", report.ToTable(), StringComparison.Ordinal);
    }
}
