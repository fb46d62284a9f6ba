using System.Text.Json.Nodes;
using Runnel.Model;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>
/// GetRecords: ShardIterator*, Limit, StreamARN; returns Records [{SequenceNumber, ApproximateArrivalTimestamp, Data,
/// PartitionKey, EncryptionType (only when not NONE)}], NextShardIterator (absent at the end of a closed shard),
/// MillisBehindLatest, and ChildShards at the end of a closed shard only. StreamARN is accepted and not checked
/// against the iterator (the engine's GetRecords takes none).
/// </summary>
internal sealed class GetRecords : IOperation
{
    public string Name => nameof(GetRecords);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? shardIterator = request.GetString("ShardIterator");
        int? limit = request.GetInt32("Limit");
        _ = request.GetString("StreamARN");
        if (shardIterator is null)
        {
            throw Requests.MissingMember("ShardIterator");
        }
        GetRecordsResult result = context.Engine.GetRecords(shardIterator, limit);
        var response = new JsonObject
        {
            ["Records"] = Records(result.Records),
            ["NextShardIterator"] = result.NextShardIterator,
            ["MillisBehindLatest"] = JsonValue.Create(result.MillisBehindLatest),
        };
        if (result.NextShardIterator is null && result.ChildShards is { Count: > 0 } children)
        {
            response["ChildShards"] = ChildShards(children);
        }
        return ValueTask.FromResult(response);
    }

    /// <summary>The Records shape of GetRecords and SubscribeToShardEvent: EncryptionType only when not NONE.</summary>
    internal static JsonArray Records(IReadOnlyList<KinesisRecord> records)
    {
        var array = new JsonArray();
        foreach (KinesisRecord record in records)
        {
            array.Add(new JsonObject
            {
                ["SequenceNumber"] = record.SequenceNumber.ToString(),
                ["ApproximateArrivalTimestamp"] = JsonValue.Create(record.ApproximateArrivalTimestamp),
                ["Data"] = JsonValue.Create(record.Data),
                ["PartitionKey"] = record.PartitionKey,
                ["EncryptionType"] = record.EncryptionType == "NONE" ? null : record.EncryptionType,
            });
        }
        return array;
    }

    /// <summary>The ChildShards shape: [{ShardId, ParentShards, HashKeyRange}].</summary>
    internal static JsonArray ChildShards(IReadOnlyList<ChildShard> children)
    {
        var array = new JsonArray();
        foreach (ChildShard child in children)
        {
            var parents = new JsonArray();
            foreach (ShardId parent in child.ParentShards)
            {
                parents.Add(JsonValue.Create(parent.ToString()));
            }
            array.Add(new JsonObject
            {
                ["ShardId"] = child.ShardId.ToString(),
                ["ParentShards"] = parents,
                ["HashKeyRange"] = DescribeStream.HashKeyRange(child.HashKeyRange),
            });
        }
        return array;
    }
}
