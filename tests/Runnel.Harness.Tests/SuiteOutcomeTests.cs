using Runnel.Harness.Suite;

namespace Runnel.Harness.Tests;

/// <summary>How the suite tells a part that ran and missed its targets from one that crashed or ran out of time.</summary>
public sealed class SuiteOutcomeTests
{
    private static readonly SuiteCheckTally s_allPass = new(4, 4);
    private static readonly SuiteCheckTally s_oneFails = new(3, 4);
    private static readonly SuiteCheckTally s_none = new(0, 0);

    [Theory]
    [InlineData(0, false, SuiteStatus.Ok)]
    [InlineData(0, true, SuiteStatus.TargetsNotMet)]   // compare-log and the scenarios exit 0 on a FAIL verdict
    [InlineData(3, false, SuiteStatus.TargetsNotMet)]  // HarnessExitCode.ChecksFailed (ceiling: a point not clean)
    [InlineData(3, true, SuiteStatus.TargetsNotMet)]
    [InlineData(1, true, SuiteStatus.TargetsNotMet)]   // compare-peers: exit 1 after writing a report whose checks fail
    [InlineData(1, false, SuiteStatus.Failed)]         // an exception: no report
    [InlineData(2, false, SuiteStatus.Failed)]         // refused arguments
    [InlineData(2, true, SuiteStatus.Failed)]
    [InlineData(127, false, SuiteStatus.Failed)]       // could not start
    [InlineData(-1, false, SuiteStatus.Failed)]
    public void Classify_ExitCodeAndChecks_GivesTheStatus(int exitCode, bool aCheckFailed, SuiteStatus expected)
        => Assert.Equal(expected, SuiteOutcome.Classify(new SuiteProcessResult(exitCode, TimedOut: false), aCheckFailed ? s_oneFails : s_allPass));

    [Fact]
    public void Classify_TimedOut_IsTimedOutWhateverTheExitCode()
    {
        Assert.Equal(SuiteStatus.TimedOut, SuiteOutcome.Classify(new SuiteProcessResult(0, TimedOut: true), s_none));
        Assert.Equal(SuiteStatus.TimedOut, SuiteOutcome.Classify(new SuiteProcessResult(137, TimedOut: true), s_oneFails));
    }

    [Fact]
    public void Result_EachStatus_SaysWhatHappened()
    {
        Assert.Equal("targets not met", Outcome(SuiteStatus.TargetsNotMet, 1).Result);
        Assert.Equal("FAILED (exit 1)", Outcome(SuiteStatus.Failed, 1).Result);
        Assert.Equal("TIMED OUT (limit 120 s)", Outcome(SuiteStatus.TimedOut, -1).Result);
    }

    [Fact]
    public void ExitCode_WorstOutcome_DecidesTheSuitesCode()
    {
        Assert.Equal(0, SuiteCommand.ExitCode([Outcome(SuiteStatus.Ok, 0), Outcome(SuiteStatus.Skipped, 0)]));
        Assert.Equal(3, SuiteCommand.ExitCode([Outcome(SuiteStatus.Ok, 0), Outcome(SuiteStatus.TargetsNotMet, 1)]));
        Assert.Equal(1, SuiteCommand.ExitCode([Outcome(SuiteStatus.TargetsNotMet, 3), Outcome(SuiteStatus.TimedOut, -1)]));
        Assert.Equal(1, SuiteCommand.ExitCode([Outcome(SuiteStatus.Failed, 2)]));
    }

    [Fact]
    public void Tally_MixedOutcomes_CountsEachKind()
        => Assert.Equal("4 parts: 2 ok, 1 targets not met, 1 timed out",
            SuiteReport.Tally([Outcome(SuiteStatus.Ok, 0), Outcome(SuiteStatus.TimedOut, -1), Outcome(SuiteStatus.Ok, 0), Outcome(SuiteStatus.TargetsNotMet, 3)]));

    [Theory]
    [InlineData(120.0, null, 400.0, 120.0)]  // no deadline: the budget
    [InlineData(120.0, 480.0, 100.0, 120.0)]   // the deadline is far
    [InlineData(120.0, 480.0, 400.0, 80.0)]    // cut to what is left
    [InlineData(120.0, 480.0, 500.0, 0.0)]     // past it
    public void Limit_BudgetAndDeadline_IsTheSmallerRemainder(double budget, double? deadline, double elapsed, double expected)
        => Assert.Equal(TimeSpan.FromSeconds(expected),
            SuiteCommand.Limit(TimeSpan.FromSeconds(budget), deadline is { } d ? TimeSpan.FromSeconds(d) : null, TimeSpan.FromSeconds(elapsed)));

    [Fact]
    public void CommandStartUtc_NotUnderDotnetRun_IsThisProcessesStart()
    {
        // The test host's parent is dotnet test (or vstest), not dotnet run.
        using var self = System.Diagnostics.Process.GetCurrentProcess();

        Assert.Equal(self.StartTime.ToUniversalTime(), SuiteClock.CommandStartUtc());
    }

    private static SuiteOutcome Outcome(SuiteStatus status, int exitCode) => new("part", "cmd", status, exitCode, 1, 120, "", "", "part");
}
