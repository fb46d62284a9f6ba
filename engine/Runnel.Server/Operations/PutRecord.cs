using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Protocol.Json;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>PutRecord: StreamName | StreamARN, Data*, PartitionKey*, ExplicitHashKey, SequenceNumberForOrdering;
/// returns ShardId, SequenceNumber and EncryptionType. JSON bodies in the usual shape are read by
/// <see cref="PutRecordsJsonReader"/>; either way the required members are checked by <see cref="PutAsync"/>.</summary>
internal sealed class PutRecord : IJsonOperation
{
    public string Name => nameof(PutRecord);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        (StreamRef stream, PutRecordFields record, string? ordering) = Read(request);
        return Answer(await PutAsync(context.Engine, stream, record, ordering).ConfigureAwait(false));
    }

    public async ValueTask ExecuteJsonAsync(RequestBody request, OperationContext context, Utf8JsonWriter writer)
    {
        (StreamRef stream, PutRecordFields record, string? ordering) = Read(request);
        Write(writer, await PutAsync(context.Engine, stream, record, ordering).ConfigureAwait(false));
    }

    public ValueTask<bool> TryExecuteJsonAsync(ReadOnlyMemory<byte> body, OperationContext context, Utf8JsonWriter writer)
    {
        byte[] arena = ArrayPool<byte>.Shared.Rent(PutRecordsJsonReader.ArenaLength(body.Length));
        if (!PutRecordsJsonReader.TryReadPutRecord(body.Span, arena, out string? streamName, out string? streamArn,
            out PutRecordFields record, out string? ordering))
        {
            ArrayPool<byte>.Shared.Return(arena);
            return ValueTask.FromResult(false);
        }
        return PutAndWriteAsync(new StreamRef(streamName, streamArn), record, ordering, arena, context, writer);
    }

    /// <summary>The members of a generically decoded request, type-checked in the order AWS reads them.</summary>
    internal static (StreamRef Stream, PutRecordFields Record, string? SequenceNumberForOrdering) Read(RequestBody request)
    {
        StreamRef stream = Requests.Stream(request);
        ReadOnlyMemory<byte>? data = Requests.Blob(request, "Data");
        string? partitionKey = request.GetString("PartitionKey");
        string? explicitHashKey = request.GetString("ExplicitHashKey");
        string? sequenceNumberForOrdering = request.GetString("SequenceNumberForOrdering");
        return (stream, new PutRecordFields(data, partitionKey, explicitHashKey), sequenceNumberForOrdering);
    }

    /// <summary>The required members checked (AWS's validation error for the first missing one), then the put.</summary>
    internal static ValueTask<PutRecordResult> PutAsync(StreamEngine engine, StreamRef stream, PutRecordFields record, string? sequenceNumberForOrdering)
    {
        if (record.Data is not { } data)
        {
            throw Requests.MissingMember("Data");
        }
        if (record.PartitionKey is not { } partitionKey)
        {
            throw Requests.MissingMember("PartitionKey");
        }
        return engine.PutRecordAsync(stream, data, partitionKey, record.ExplicitHashKey, sequenceNumberForOrdering);
    }

    /// <summary>The answer as a structure (CBOR, and JSON with the audit trail on).</summary>
    internal static JsonObject Answer(PutRecordResult result) => new()
    {
        ["ShardId"] = result.ShardId.ToString(),
        ["SequenceNumber"] = result.SequenceNumber.ToString(),
        ["EncryptionType"] = result.EncryptionType,
    };

    /// <summary>The answer as JSON, byte-for-byte what <see cref="WireCodec.Encode"/> makes of <see cref="Answer"/>.</summary>
    internal static void Write(Utf8JsonWriter writer, PutRecordResult result)
    {
        writer.WriteStartObject();
        JsonAnswers.WriteShardId(writer, "ShardId"u8, result.ShardId);
        JsonAnswers.WriteSequenceNumber(writer, "SequenceNumber"u8, result.SequenceNumber);
        JsonAnswers.WriteOptionalString(writer, "EncryptionType"u8, result.EncryptionType);
        writer.WriteEndObject();
    }

    /// <summary>As <see cref="PutRecords"/>: the arena is returned once the engine returned, else left to the GC.</summary>
    private static async ValueTask<bool> PutAndWriteAsync(
        StreamRef stream, PutRecordFields record, string? ordering, byte[] arena, OperationContext context, Utf8JsonWriter writer)
    {
        PutRecordResult result = await PutAsync(context.Engine, stream, record, ordering).ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(arena);
        Write(writer, result);
        return true;
    }
}
