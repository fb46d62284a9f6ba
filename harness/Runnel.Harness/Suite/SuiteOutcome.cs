using System.Globalization;

namespace Runnel.Harness.Suite;

/// <summary>How one part of the suite went.</summary>
/// <param name="Part">The part's name.</param>
/// <param name="CommandLine">The command as run from the repository root.</param>
/// <param name="Status">Ok, targets not met, failed, timed out or skipped (see <see cref="Classify"/>).</param>
/// <param name="ExitCode">The child's exit code (see <see cref="HarnessExitCode"/>; 0 when skipped).</param>
/// <param name="WallSeconds">Wall time.</param>
/// <param name="LimitSeconds">The wall-time limit it ran under (0 when skipped).</param>
/// <param name="Checks">PASS checks of all checks found in the part's JSON, e.g. <c>11 of 11 PASS</c>; empty when it has none.</param>
/// <param name="KeyFigure">The part's headline number, in words.</param>
/// <param name="Folder">The part's folder, relative to the suite's run directory.</param>
public sealed record SuiteOutcome(string Part, string CommandLine, SuiteStatus Status, int ExitCode, double WallSeconds, double LimitSeconds,
    string Checks, string KeyFigure, string Folder)
{
    /// <summary>Why the part did not run; null when it ran.</summary>
    public string? SkippedBecause { get; init; }

    /// <summary>The result in words, for the tables and the console.</summary>
    public string Result => Status switch
    {
        SuiteStatus.Ok => "ok",
        SuiteStatus.TargetsNotMet => "targets not met",
        SuiteStatus.TimedOut => string.Create(CultureInfo.InvariantCulture, $"TIMED OUT (limit {LimitSeconds:0} s)"),
        SuiteStatus.Skipped => "skipped",
        _ => string.Create(CultureInfo.InvariantCulture, $"FAILED (exit {ExitCode})"),
    };

    /// <summary>
    /// The status of a part that ran: killed at its limit is <see cref="SuiteStatus.TimedOut"/>; exit 0 is
    /// <see cref="SuiteStatus.Ok"/> unless its JSON reports a failed check (compare-log and the scenarios exit 0 on a
    /// FAIL verdict); <see cref="HarnessExitCode.ChecksFailed"/> is <see cref="SuiteStatus.TargetsNotMet"/>, and so is
    /// exit 1 with a report whose checks failed (compare-peers exits 1 after writing it; a crash writes no report);
    /// anything else is <see cref="SuiteStatus.Failed"/>.
    /// </summary>
    public static SuiteStatus Classify(SuiteProcessResult result, SuiteCheckTally checks) => result switch
    {
        { TimedOut: true } => SuiteStatus.TimedOut,
        { ExitCode: HarnessExitCode.Ok } => checks.Failed > 0 ? SuiteStatus.TargetsNotMet : SuiteStatus.Ok,
        { ExitCode: HarnessExitCode.ChecksFailed } => SuiteStatus.TargetsNotMet,
        { ExitCode: HarnessExitCode.Error } when checks.Failed > 0 => SuiteStatus.TargetsNotMet,
        _ => SuiteStatus.Failed,
    };
}
