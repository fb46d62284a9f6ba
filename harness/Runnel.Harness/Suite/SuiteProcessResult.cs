namespace Runnel.Harness.Suite;

/// <summary>How a child process of the suite ended.</summary>
/// <param name="ExitCode">Its exit code (127 when it could not start; whatever the kill left when it timed out).</param>
/// <param name="TimedOut">It ran past its limit and its whole process tree was killed.</param>
public readonly record struct SuiteProcessResult(int ExitCode, bool TimedOut);
