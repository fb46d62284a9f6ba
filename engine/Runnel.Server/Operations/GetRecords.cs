using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
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
    {
        (string shardIterator, int? limit) = Read(request);
        return ValueTask.FromResult(Answer(context.Engine.GetRecords(shardIterator, limit)));
    }

    /// <summary>
    /// The answer as JSON, written while the engine reads: each record straight from the log's frame (its data
    /// base64-encoded from the frame, no <see cref="KinesisRecord"/>), byte-for-byte what <see cref="WireCodec.Encode"/>
    /// makes of <see cref="Answer"/>. A failure part-way leaves a partial answer in <paramref name="writer"/>, which the
    /// host discards (it sends an answer only once it is complete).
    /// </summary>
    public ValueTask ExecuteJsonAsync(RequestBody request, OperationContext context, Utf8JsonWriter writer)
    {
        (string shardIterator, int? limit) = Read(request);
        writer.WriteStartObject();
        writer.WriteStartArray("Records"u8);
        GetRecordsEnd end = context.Engine.GetRecords(shardIterator, limit, new JsonRecordSink(writer));
        writer.WriteEndArray();
        JsonAnswers.WriteOptionalString(writer, "NextShardIterator"u8, end.NextShardIterator);
        writer.WriteNumber("MillisBehindLatest"u8, end.MillisBehindLatest);
        if (end.NextShardIterator is null && end.ChildShards is { Count: > 0 } children)
        {
            writer.WritePropertyName("ChildShards"u8);
            WireCodec.WriteJsonValue(writer, ChildShards(children)); // rare (a closed shard's end): the structure's own shape
        }
        writer.WriteEndObject();
        return ValueTask.CompletedTask;
    }

    private static (string ShardIterator, int? Limit) Read(RequestBody request)
    {
        string? shardIterator = request.GetString("ShardIterator");
        int? limit = request.GetInt32("Limit");
        _ = request.GetString("StreamARN");
        if (shardIterator is null)
        {
            throw Requests.MissingMember("ShardIterator");
        }
        return (shardIterator, limit);
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
    /// One record of the Records array as <see cref="Records"/> shapes it: timestamps as
    /// <see cref="WireCodec.WriteTimestampValue"/>, the partition key from its UTF-8 bytes (escaped as its string
    /// would be), EncryptionType only when not NONE.
    /// </summary>
    internal static void WriteRecord(Utf8JsonWriter writer, in RecordView record)
    {
        writer.WriteStartObject();
        JsonAnswers.WriteSequenceNumber(writer, "SequenceNumber"u8, record.SequenceNumber);
        writer.WritePropertyName("ApproximateArrivalTimestamp"u8);
        WireCodec.WriteTimestampValue(writer, DateTimeOffset.FromUnixTimeMilliseconds(record.ArrivalMs));
        writer.WriteBase64String("Data"u8, record.Data);
        if (Utf8.IsValid(record.PartitionKey))
        {
            writer.WriteString("PartitionKey"u8, record.PartitionKey);
        }
        else
        {
            writer.WriteString("PartitionKey"u8, record.PartitionKeyText); // never stored so; decoded as KinesisRecord is
        }
        if (record.Encrypted)
        {
            writer.WriteString("EncryptionType"u8, "KMS"u8);
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

    /// <summary>Writes each record into the answer as the engine reads it. One request's.</summary>
    private sealed class JsonRecordSink(Utf8JsonWriter writer) : IRecordSink
    {
        public void Write(in RecordView record) => WriteRecord(writer, record);
    }
}
