using System.Text.Json;
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
internal sealed class GetRecords : IJsonOperation
{
    public string Name => nameof(GetRecords);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
        => ValueTask.FromResult(Answer(Get(request, context)));

    public ValueTask ExecuteJsonAsync(RequestBody request, OperationContext context, Utf8JsonWriter writer)
    {
        Write(writer, Get(request, context));
        return ValueTask.CompletedTask;
    }

    private static GetRecordsResult Get(RequestBody request, OperationContext context)
    {
        string? shardIterator = request.GetString("ShardIterator");
        int? limit = request.GetInt32("Limit");
        _ = request.GetString("StreamARN");
        if (shardIterator is null)
        {
            throw Requests.MissingMember("ShardIterator");
        }
        return context.Engine.GetRecords(shardIterator, limit);
    }

    /// <summary>The answer as a structure (CBOR, and JSON with the audit trail on).</summary>
    internal static JsonObject Answer(GetRecordsResult result)
    {
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
        return response;
    }

    /// <summary>
    /// The answer as JSON, byte-for-byte what <see cref="WireCodec.Encode"/> makes of <see cref="Answer"/>: each
    /// record's data base64-encoded straight into the output, timestamps as <see cref="WireCodec.WriteTimestampValue"/>.
    /// </summary>
    internal static void Write(Utf8JsonWriter writer, GetRecordsResult result)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("Records"u8);
        foreach (KinesisRecord record in result.Records)
        {
            writer.WriteStartObject();
            JsonAnswers.WriteSequenceNumber(writer, "SequenceNumber"u8, record.SequenceNumber);
            writer.WritePropertyName("ApproximateArrivalTimestamp"u8);
            WireCodec.WriteTimestampValue(writer, record.ApproximateArrivalTimestamp);
            writer.WriteBase64String("Data"u8, record.Data);
            writer.WriteString("PartitionKey"u8, record.PartitionKey);
            if (record.EncryptionType != "NONE")
            {
                JsonAnswers.WriteOptionalString(writer, "EncryptionType"u8, record.EncryptionType);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        JsonAnswers.WriteOptionalString(writer, "NextShardIterator"u8, result.NextShardIterator);
        writer.WriteNumber("MillisBehindLatest"u8, result.MillisBehindLatest);
        if (result.NextShardIterator is null && result.ChildShards is { Count: > 0 } children)
        {
            writer.WritePropertyName("ChildShards"u8);
            WireCodec.WriteJsonValue(writer, ChildShards(children)); // rare (a closed shard's end): the structure's own shape
        }
        writer.WriteEndObject();
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
