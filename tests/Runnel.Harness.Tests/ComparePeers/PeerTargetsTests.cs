using Runnel.Harness.ComparePeers;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The checks of issue 6 item 4 on synthetic figures: the ratio boundaries, missing targets, what gates.</summary>
public class PeerTargetsTests
{
    private static WorkloadResult Workload(PeerMeasurement? runnel, PeerMeasurement? kinesalite, PeerMeasurement? kinesisMock = null) =>
        new(PeerWorkload.Batch500,
        [
            runnel is null ? PeerResult.Missing(PeerNames.Runnel, "runnel", "did not start") : PeerResult.Measured(PeerNames.Runnel, "runnel", runnel),
            kinesalite is null ? PeerResult.Missing(PeerNames.Kinesalite, "kinesalite", "npm failed") : PeerResult.Measured(PeerNames.Kinesalite, "kinesalite", kinesalite),
            kinesisMock is null ? PeerResult.Missing(PeerNames.KinesisMock, "kinesis-mock", "npm failed") : PeerResult.Measured(PeerNames.KinesisMock, "kinesis-mock", kinesisMock),
        ]);

    private static PeerCheck Check(IReadOnlyList<PeerCheck> checks, string start) => Assert.Single(checks, c => c.Description.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public void Evaluate_RunnelExactlyAtEveryTarget_Passes()
    {
        PeerMeasurement kinesalite = PeerMeasurementTests.Make(writeRecordsPerSecond: 1_000, readRecordsPerSecond: 2_000, p99: 100);
        PeerMeasurement runnel = PeerMeasurementTests.Make(writeRecordsPerSecond: 20_000, readRecordsPerSecond: 20_000, p99: 10);

        IReadOnlyList<PeerCheck> checks = PeerTargets.Evaluate(Workload(runnel, kinesalite));

        Assert.Equal(true, Check(checks, "runnel write records/s >= 20x").Passed);
        Assert.Equal("20.0x", Check(checks, "runnel write records/s >= 20x").Measured);
        Assert.Equal(true, Check(checks, "runnel read records/s >= 10x").Passed);
        Assert.Equal(true, Check(checks, "runnel p99 <= kinesalite p99 / 10").Passed);
        Assert.All(checks.Where(c => c.Gates), c => Assert.NotEqual(false, c.Passed));
    }

    [Fact]
    public void Evaluate_RunnelJustShortOfEachTarget_FailsEach()
    {
        PeerMeasurement kinesalite = PeerMeasurementTests.Make(writeRecordsPerSecond: 1_000, readRecordsPerSecond: 2_000, p99: 100);
        PeerMeasurement runnel = PeerMeasurementTests.Make(writeRecordsPerSecond: 19_900, readRecordsPerSecond: 19_900, p99: 10.1);

        IReadOnlyList<PeerCheck> checks = PeerTargets.Evaluate(Workload(runnel, kinesalite));

        Assert.Equal(false, Check(checks, "runnel write records/s >= 20x").Passed);
        Assert.Equal(false, Check(checks, "runnel read records/s >= 10x").Passed);
        Assert.Equal(false, Check(checks, "runnel p99 <= kinesalite p99 / 10").Passed);
    }

    [Fact]
    public void Evaluate_KinesaliteMissing_RatiosAreNotApplicableAndNothingFails()
    {
        IReadOnlyList<PeerCheck> checks = PeerTargets.Evaluate(Workload(PeerMeasurementTests.Make(), null));

        Assert.Null(Check(checks, "runnel write records/s").Passed);
        Assert.Null(Check(checks, "kinesalite read back").Passed);
        Assert.Equal("missing", Check(checks, "runnel read records/s").Measured);
        Assert.DoesNotContain(checks, c => c.Passed == false);
    }

    [Fact]
    public void Evaluate_RunnelMissing_FailsTheRun()
    {
        IReadOnlyList<PeerCheck> checks = PeerTargets.Evaluate(Workload(null, PeerMeasurementTests.Make()));

        PeerCheck readBack = Check(checks, "runnel read back");
        Assert.True(readBack.Gates);
        Assert.Equal(false, readBack.Passed);
    }

    [Fact]
    public void Evaluate_PeerLosesRecords_IsReportedButDoesNotGate()
    {
        PeerMeasurement lossy = PeerMeasurementTests.Make(writeRecordsPerSecond: 10, warmup: 0, read: 90);

        IReadOnlyList<PeerCheck> checks = PeerTargets.Evaluate(Workload(PeerMeasurementTests.Make(), PeerMeasurementTests.Make(), lossy));

        PeerCheck check = Check(checks, "kinesis-mock read back");
        Assert.Equal(false, check.Passed);
        Assert.False(check.Gates);
        Assert.Equal("90 of 100", check.Measured);
    }

    [Fact]
    public void Evaluate_RunnelFailedCalls_GatesTheRun()
    {
        PeerMeasurement runnel = PeerMeasurementTests.Make(failedCalls: 2, failedRecords: 5);

        PeerCheck check = Check(PeerTargets.Evaluate(Workload(runnel, PeerMeasurementTests.Make())), "runnel failures == 0");

        Assert.Equal(false, check.Passed);
        Assert.True(check.Gates);
        Assert.Equal("2 calls, 5 records", check.Measured);
    }

    [Theory]
    [InlineData(100.0, 5.0, 20.0)]
    [InlineData(0.0, 5.0, 0.0)]
    public void Times_PositiveDivisor_IsTheQuotient(double better, double worse, double expected) =>
        Assert.Equal(expected, PeerTargets.Times(better, worse));

    [Theory]
    [InlineData(100.0, 0.0)]
    [InlineData(null, 5.0)]
    [InlineData(5.0, null)]
    public void Times_NothingToDivideBy_IsNull(double? better, double? worse) => Assert.Null(PeerTargets.Times(better, worse));
}
