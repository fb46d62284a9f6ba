namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>One UpdateStreamMode call of the mode-switch run and what it did.</summary>
/// <param name="Minute">Simulated minute of the call.</param>
/// <param name="Step">The script step's name.</param>
/// <param name="From">The mode before.</param>
/// <param name="To">The mode asked for.</param>
/// <param name="ExpectRefused">Whether the 2-per-24-hours rule should refuse it.</param>
/// <param name="Error">The Kinesis error type when refused (e.g. <c>LimitExceededException</c>), else null.</param>
/// <param name="Message">The error's message when refused.</param>
/// <param name="ModeAfter">The mode DescribeStreamSummary reports after the call.</param>
/// <param name="OpenShardsBefore">Open shards just before the call.</param>
/// <param name="OpenShardsAfter">Open shards just after it.</param>
public sealed record ModeSwitchAttempt(int Minute, string Step, string From, string To, bool ExpectRefused, string? Error, string? Message, string ModeAfter, int OpenShardsBefore, int OpenShardsAfter)
{
    /// <summary>Whether the switch happened.</summary>
    public bool Switched => Error is null;
}
