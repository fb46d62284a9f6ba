namespace Runnel.Harness.Suite;

/// <summary>How one part of the suite went.</summary>
/// <param name="Part">The part's name.</param>
/// <param name="CommandLine">The command as run from the repository root.</param>
/// <param name="ExitCode">The child's exit code (0: the part ran; a scenario's FAIL check is a measurement, see <see cref="Checks"/>).</param>
/// <param name="WallSeconds">Wall time.</param>
/// <param name="Checks">PASS checks of all checks found in the part's JSON, e.g. <c>11 of 11 PASS</c>; empty when it has none.</param>
/// <param name="KeyFigure">The part's headline number, in words.</param>
/// <param name="Folder">The part's folder, relative to the suite's run directory.</param>
public sealed record SuiteOutcome(string Part, string CommandLine, int ExitCode, double WallSeconds, string Checks, string KeyFigure, string Folder)
{
    /// <summary>Why the part did not run in this mode; null when it ran.</summary>
    public string? SkippedBecause { get; init; }

    /// <summary>Whether the part ran to the end without error, or was skipped by design.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>ok, skipped or FAILED, for the tables.</summary>
    public string Result => SkippedBecause is not null ? "skipped" : Succeeded ? "ok" : $"FAILED (exit {ExitCode})";
}
