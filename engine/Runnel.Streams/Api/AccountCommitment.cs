namespace Runnel.Streams;

/// <summary>DescribeAccountSettings / UpdateAccountSettings: the MinimumThroughputBillingCommitment.</summary>
public sealed record AccountCommitment(string Status, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? EarliestAllowedEndAt);
