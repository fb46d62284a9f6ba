using Runnel.Streams;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>The raw outcome of an <see cref="OnDemandRun"/>.</summary>
/// <param name="Minutes">Every simulated minute.</param>
/// <param name="SplitMinutes">The minute at which each split was seen (one entry per split).</param>
/// <param name="OpenShards">The open shards at the end.</param>
/// <param name="ListedShards">ListShards at the end (closed shards stay listed for the 24-hour retention).</param>
public sealed record OnDemandResult(IReadOnlyList<OnDemandMinute> Minutes, IReadOnlyList<int> SplitMinutes, IReadOnlyList<ShardDescription> OpenShards, IReadOnlyList<ShardDescription> ListedShards);
