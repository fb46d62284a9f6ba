using System.Text.Json.Nodes;
using Runnel.Model;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>
/// DescribeStream: StreamName | StreamARN, Limit, ExclusiveStartShardId; returns StreamDescription. Also holds the
/// shapes other operations share: Shard, HashKeyRange, StreamModeDetails, EnhancedMonitoring and string lists.
/// </summary>
internal sealed class DescribeStream : IOperation
{
    public string Name => nameof(DescribeStream);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        int? limit = request.GetInt32("Limit");
        string? exclusiveStartShardId = request.GetString("ExclusiveStartShardId");
        StreamDescription d = context.Engine.DescribeStream(stream, limit, exclusiveStartShardId);
        var shards = new JsonArray();
        foreach (ShardDescription shard in d.Shards)
        {
            shards.Add(Shard(shard));
        }
        var description = new JsonObject
        {
            ["StreamName"] = d.StreamName,
            ["StreamARN"] = d.StreamArn,
            ["StreamStatus"] = WireNames.Of(d.StreamStatus),
            ["StreamModeDetails"] = ModeDetails(d.StreamMode),
            ["Shards"] = shards,
            ["HasMoreShards"] = JsonValue.Create(d.HasMoreShards),
            ["RetentionPeriodHours"] = JsonValue.Create((long)d.RetentionPeriodHours),
            ["StreamCreationTimestamp"] = JsonValue.Create(d.StreamCreationTimestamp),
            ["EnhancedMonitoring"] = EnhancedMonitoring(d.ShardLevelMetrics),
            ["EncryptionType"] = d.EncryptionType,
            ["KeyId"] = d.KeyId,
        };
        return ValueTask.FromResult(new JsonObject { ["StreamDescription"] = description });
    }

    /// <summary>The Shard shape: ShardId, ParentShardId?, AdjacentParentShardId?, HashKeyRange,
    /// SequenceNumberRange{StartingSequenceNumber, EndingSequenceNumber?}.</summary>
    internal static JsonObject Shard(ShardDescription shard) => new()
    {
        ["ShardId"] = shard.ShardId.ToString(),
        ["ParentShardId"] = shard.ParentShardId?.ToString(),
        ["AdjacentParentShardId"] = shard.AdjacentParentShardId?.ToString(),
        ["HashKeyRange"] = HashKeyRange(shard.HashKeyRange),
        ["SequenceNumberRange"] = new JsonObject
        {
            ["StartingSequenceNumber"] = shard.StartingSequenceNumber.ToString(),
            ["EndingSequenceNumber"] = shard.EndingSequenceNumber?.ToString(),
        },
    };

    /// <summary>The HashKeyRange shape: decimal StartingHashKey and EndingHashKey.</summary>
    internal static JsonObject HashKeyRange(HashKeyRange range) => new()
    {
        ["StartingHashKey"] = range.Start.ToString(),
        ["EndingHashKey"] = range.End.ToString(),
    };

    /// <summary>The StreamModeDetails shape.</summary>
    internal static JsonObject ModeDetails(StreamMode mode) => new() { ["StreamMode"] = WireNames.Of(mode) };

    /// <summary>The EnhancedMonitoring shape: one entry listing the enabled shard-level metrics.</summary>
    internal static JsonArray EnhancedMonitoring(IReadOnlyList<string> shardLevelMetrics)
        => [new JsonObject { ["ShardLevelMetrics"] = Strings(shardLevelMetrics) }];

    /// <summary>A list of strings.</summary>
    internal static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (string value in values)
        {
            array.Add(JsonValue.Create(value));
        }
        return array;
    }
}
