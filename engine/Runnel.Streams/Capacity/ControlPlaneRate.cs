namespace Runnel.Streams.Capacity;

/// <summary>One row of the API rate table (kinesis-api.md 4.2): transactions per second and what they are counted over.</summary>
/// <param name="TransactionsPerSecond">The refill rate and the bucket size (one second of burst).</param>
/// <param name="Scope">Per account, per stream, or not limited by <see cref="ControlPlaneRateLimiter"/>.</param>
public readonly record struct ControlPlaneRate(int TransactionsPerSecond, ControlPlaneScope Scope);
