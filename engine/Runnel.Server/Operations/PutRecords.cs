using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Protocol.Json;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>
/// PutRecords: StreamName | StreamARN, Records* [{Data*, PartitionKey*, ExplicitHashKey}]; returns FailedRecordCount
/// (always, 0 when all succeed), Records in request order ({SequenceNumber, ShardId} or {ErrorCode, ErrorMessage})
/// and EncryptionType. JSON bodies in the usual shape are read by <see cref="PutRecordsJsonReader"/> and answered by
/// <see cref="Write"/>; everything else goes through <see cref="RequestBody"/>. Either way the required members are
/// checked by <see cref="Entries"/>.
/// </summary>
internal sealed class PutRecords : IJsonOperation
{
    public string Name => nameof(PutRecords);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        (StreamRef stream, PutRecordsEntry[] entries) = Read(request);
        return Answer(await context.Engine.PutRecordsAsync(stream, entries).ConfigureAwait(false));
    }

    public async ValueTask ExecuteJsonAsync(RequestBody request, OperationContext context, Utf8JsonWriter writer)
    {
        (StreamRef stream, PutRecordsEntry[] entries) = Read(request);
        Write(writer, await context.Engine.PutRecordsAsync(stream, entries).ConfigureAwait(false));
    }

    public ValueTask<bool> TryExecuteJsonAsync(ReadOnlyMemory<byte> body, OperationContext context, Utf8JsonWriter writer)
    {
        byte[] arena = ArrayPool<byte>.Shared.Rent(PutRecordsJsonReader.ArenaLength(body.Length));
        PutRecordsEntry[] entries;
        StreamRef stream;
        try
        {
            if (!PutRecordsJsonReader.TryReadPutRecords(body.Span, arena, out string? streamName, out string? streamArn, out List<PutRecordFields>? records))
            {
                ArrayPool<byte>.Shared.Return(arena);
                return ValueTask.FromResult(false);
            }
            stream = new StreamRef(streamName, streamArn);
            entries = Entries(records);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(arena); // a missing member: nothing was appended
            throw;
        }
        return PutAsync(stream, entries, arena, context, writer);
    }

    /// <summary>
    /// The stream and records of a generically decoded request. Member types are checked in the order AWS reads them
    /// (the stream, the list, every record's members), then the required members.
    /// </summary>
    internal static (StreamRef Stream, PutRecordsEntry[] Entries) Read(RequestBody request)
    {
        StreamRef stream = Requests.Stream(request);
        IReadOnlyList<RequestBody>? records = request.GetObjectList("Records");
        if (records is null)
        {
            return (stream, Entries(null));
        }
        var fields = new PutRecordFields[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            fields[i] = new PutRecordFields(Requests.Blob(records[i], "Data"), records[i].GetString("PartitionKey"), records[i].GetString("ExplicitHashKey"));
        }
        return (stream, Entries(fields));
    }

    /// <summary>The engine's entries, or AWS's validation error for the first missing required member.</summary>
    internal static PutRecordsEntry[] Entries(IReadOnlyList<PutRecordFields>? records)
    {
        if (records is null)
        {
            throw Requests.MissingMember("Records");
        }
        var entries = new PutRecordsEntry[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            (ReadOnlyMemory<byte>? data, string? partitionKey, string? explicitHashKey) = records[i];
            if (data is null)
            {
                throw Requests.MissingMember($"records.{i + 1}.member.data");
            }
            if (partitionKey is null)
            {
                throw Requests.MissingMember($"records.{i + 1}.member.partitionKey");
            }
            entries[i] = new PutRecordsEntry(data.Value, partitionKey, explicitHashKey);
        }
        return entries;
    }

    /// <summary>The answer as a structure (CBOR, and JSON with the audit trail on).</summary>
    internal static JsonObject Answer(PutRecordsResult result)
    {
        var results = new JsonArray();
        foreach (PutRecordsResultEntry entry in result.Records)
        {
            results.Add(entry.ErrorCode is null
                ? new JsonObject
                {
                    ["SequenceNumber"] = entry.SequenceNumber?.ToString(),
                    ["ShardId"] = entry.ShardId?.ToString(),
                }
                : new JsonObject
                {
                    ["ErrorCode"] = entry.ErrorCode,
                    ["ErrorMessage"] = entry.ErrorMessage,
                });
        }
        return new JsonObject
        {
            ["FailedRecordCount"] = JsonValue.Create((long)result.FailedRecordCount),
            ["Records"] = results,
            ["EncryptionType"] = result.EncryptionType,
        };
    }

    /// <summary>The answer as JSON, byte-for-byte what <see cref="WireCodec.Encode"/> makes of <see cref="Answer"/>.</summary>
    internal static void Write(Utf8JsonWriter writer, PutRecordsResult result)
    {
        writer.WriteStartObject();
        writer.WriteNumber("FailedRecordCount", (long)result.FailedRecordCount);
        writer.WriteStartArray("Records");
        foreach (PutRecordsResultEntry entry in result.Records)
        {
            writer.WriteStartObject();
            if (entry.ErrorCode is null)
            {
                if (entry.SequenceNumber is { } sequence)
                {
                    JsonAnswers.WriteSequenceNumber(writer, "SequenceNumber"u8, sequence);
                }
                if (entry.ShardId is { } shard)
                {
                    JsonAnswers.WriteShardId(writer, "ShardId"u8, shard);
                }
            }
            else
            {
                writer.WriteString("ErrorCode"u8, entry.ErrorCode);
                JsonAnswers.WriteOptionalString(writer, "ErrorMessage"u8, entry.ErrorMessage);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        JsonAnswers.WriteOptionalString(writer, "EncryptionType"u8, result.EncryptionType);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Appends the records whose data live in <paramref name="arena"/>, then writes the answer. The arena goes back to
    /// the pool only when the engine returned: then every append has copied its data into the log (or failed). When
    /// the engine throws, it is left to the garbage collector rather than risk an append still reading it.
    /// </summary>
    private static async ValueTask<bool> PutAsync(StreamRef stream, PutRecordsEntry[] entries, byte[] arena, OperationContext context, Utf8JsonWriter writer)
    {
        PutRecordsResult result = await context.Engine.PutRecordsAsync(stream, entries).ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(arena);
        Write(writer, result);
        return true;
    }
}
