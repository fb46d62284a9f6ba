namespace Runnel.Streams;

/// <summary>The ListShards result.</summary>
public sealed record ListShardsResult(IReadOnlyList<ShardDescription> Shards, string? NextToken);
