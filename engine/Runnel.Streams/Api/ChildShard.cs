using Runnel.Model;

namespace Runnel.Streams;

/// <summary>A child of a closed shard, as GetRecords returns it at the shard's end.</summary>
public sealed record ChildShard(ShardId ShardId, IReadOnlyList<ShardId> ParentShards, HashKeyRange HashKeyRange);
