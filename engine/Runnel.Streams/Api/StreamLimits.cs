namespace Runnel.Streams;

/// <summary>The DescribeLimits result.</summary>
public sealed record StreamLimits(int ShardLimit, int OpenShardCount, int OnDemandStreamCount, int OnDemandStreamCountLimit);
