namespace Runnel.Harness.CompareLog;

/// <summary>
/// An engine's round of a <c>compare-log</c> case did not finish by the case's deadline
/// (<see cref="CompareLogOptions.RoundDeadline"/>): the case fails with this message and the run goes on.
/// </summary>
public sealed class RoundDeadlineException(string message) : Exception(message);
