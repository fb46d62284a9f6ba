namespace Runnel.Harness.CompareLog;

/// <summary>One target from issue 3 and whether this run met it.</summary>
/// <param name="Description">The target as the issue states it, e.g. "ratio >= 2.5".</param>
/// <param name="Measured">What was measured against it, e.g. "1.73".</param>
/// <param name="Passed">Whether it was met; null when it could not be measured (no fio, say).</param>
public sealed record TargetCheck(string Description, string Measured, bool? Passed)
{
    /// <summary>PASS, FAIL or N/A.</summary>
    public string Verdict => Passed switch
    {
        true => "PASS",
        false => "FAIL",
        null => "N/A",
    };
}
