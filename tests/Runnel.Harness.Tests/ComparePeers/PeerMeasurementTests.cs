using Runnel.Harness.ComparePeers;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The accounting of one target's figures: rates, MB/s, what the read-back must find.</summary>
public class PeerMeasurementTests
{
    internal static PeerMeasurement Make(double writeRecordsPerSecond = 10_000, double readRecordsPerSecond = 20_000, double p99 = 5,
        long warmup = 1_000, long? read = null, string? readError = null, long failedCalls = 0, long failedRecords = 0)
    {
        const double WriteSeconds = 10;
        long written = (long)(writeRecordsPerSecond * WriteSeconds);
        long readRecords = read ?? written + warmup; // by default the read-back finds everything, at readRecordsPerSecond
        double readSeconds = readRecords / readRecordsPerSecond;
        return new PeerMeasurement
        {
            WriteRecords = written,
            WriteBytes = written * 1024,
            WriteSeconds = WriteSeconds,
            WarmupRecords = warmup,
            FailedRecords = failedRecords,
            FailedCalls = failedCalls,
            Calls = written / 500,
            P50Milliseconds = p99 / 2,
            P99Milliseconds = p99,
            ReadRecords = readRecords,
            ReadBytes = readRecords * 1024,
            ReadSeconds = readSeconds,
            ReadCalls = 10,
            ReadError = readError,
        };
    }

    [Fact]
    public void Rates_SyntheticCounts_AreCountsOverSecondsInRecordsAndDecimalMegabytes()
    {
        var m = new PeerMeasurement
        {
            WriteRecords = 150_000,
            WriteBytes = 150_000 * 1024,
            WriteSeconds = 30,
            WarmupRecords = 2_000,
            FailedRecords = 3,
            FailedCalls = 2,
            Calls = 300,
            P50Milliseconds = 1,
            P99Milliseconds = 2,
            ReadRecords = 152_000,
            ReadBytes = 152_000 * 1024,
            ReadSeconds = 8,
            ReadCalls = 20,
        };

        Assert.Equal(5_000, m.WriteRecordsPerSecond, 9);
        Assert.Equal(5_000 * 1024 / 1e6, m.WriteMegabytesPerSecond, 9);
        Assert.Equal(19_000, m.ReadRecordsPerSecond, 9);
        Assert.Equal(19_000 * 1024 / 1e6, m.ReadMegabytesPerSecond, 9);
        Assert.Equal(152_000, m.AcknowledgedRecords);
        Assert.Equal(5, m.Failures);
        Assert.True(m.ReadMatchesAcknowledged);
    }

    [Fact]
    public void Rates_ZeroSeconds_AreZeroNotInfinite()
    {
        PeerMeasurement m = Make() with { WriteSeconds = 0, ReadSeconds = 0 };

        Assert.Equal(0, m.WriteRecordsPerSecond);
        Assert.Equal(0, m.ReadMegabytesPerSecond);
    }

    [Fact]
    public void ReadMatchesAcknowledged_WarmupRecordsNotReadBack_IsFalse()
    {
        PeerMeasurement m = Make(writeRecordsPerSecond: 100, warmup: 50, read: 1_000);

        Assert.Equal(1_050, m.AcknowledgedRecords);
        Assert.False(m.ReadMatchesAcknowledged);
        Assert.True((m with { ReadRecords = 1_050 }).ReadMatchesAcknowledged);
    }

    [Fact]
    public void ReadMatchesAcknowledged_ReadStoppedByAnError_IsFalseEvenWhenTheCountsAgree()
    {
        PeerMeasurement m = Make(writeRecordsPerSecond: 100, warmup: 0, read: 1_000, readError: "shardId-000000000001: GetRecords failed: HTTP 500");

        Assert.False(m.ReadMatchesAcknowledged);
    }
}
