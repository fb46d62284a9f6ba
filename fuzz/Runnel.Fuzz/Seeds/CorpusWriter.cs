using System.Buffers.Binary;
using System.Formats.Cbor;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runnel.Fuzz.Targets;
using Runnel.Model;
using Runnel.Protocol;
using Runnel.Protocol.EventStream;
using Runnel.Storage.Catalog;
using Runnel.Storage.Framing;
using Runnel.Storage.Log;
using Runnel.Streams.Iterators;

namespace Runnel.Fuzz.Seeds;

/// <summary>
/// Writes the generated part of the seed corpus (<c>Runnel.Fuzz corpus fuzz</c>): CBOR bodies from the JSON seeds
/// (as the AWS Java SDK v2 encodes them), segment buffers and a checkpoint slot from the storage encoders, tokens
/// signed with the harness key, and event-stream messages from the server's encoder. The JSON and SigV4 seeds are
/// written by hand (fuzz/corpus/json, fuzz/corpus/sigv4). Deterministic: running it again changes no file.
/// </summary>
internal static class CorpusWriter
{
    private static readonly string[] s_timestampMembers = ["Timestamp", "StreamCreationTimestamp"];

    public static void Write(string fuzzDirectory)
    {
        string corpus = Path.Combine(fuzzDirectory, "corpus");
        WriteCbor(Path.Combine(corpus, "json"), Directory.CreateDirectory(Path.Combine(corpus, "cbor")).FullName);
        WriteFrames(Directory.CreateDirectory(Path.Combine(corpus, "frame")).FullName);
        WriteTokens(Directory.CreateDirectory(Path.Combine(corpus, "iterator")).FullName);
        WriteEventStream(Directory.CreateDirectory(Path.Combine(corpus, "eventstream")).FullName);
    }

    /// <summary>Every JSON seed as CBOR: definite-length maps, blobs as byte strings, timestamps as tag 1 + epoch ms.</summary>
    private static void WriteCbor(string jsonDirectory, string cborDirectory)
    {
        foreach (string file in Directory.GetFiles(jsonDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            JsonNode? node = JsonNode.Parse(File.ReadAllBytes(file));
            var writer = new CborWriter(CborConformanceMode.Lax);
            WriteCborValue(writer, node, member: null, indefinite: false);
            File.WriteAllBytes(Path.Combine(cborDirectory, Path.GetFileNameWithoutExtension(file) + ".cbor"), writer.Encode());
        }
        // One body with indefinite-length containers (Jackson's CBOR generator writes maps that way).
        JsonNode? putRecords = JsonNode.Parse(File.ReadAllBytes(Path.Combine(jsonDirectory, "put-records.json")));
        var indefinite = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
        WriteCborValue(indefinite, putRecords, member: null, indefinite: true);
        File.WriteAllBytes(Path.Combine(cborDirectory, "put-records-indefinite.cbor"), indefinite.Encode());
    }

    private static void WriteCborValue(CborWriter writer, JsonNode? node, string? member, bool indefinite)
    {
        switch (node)
        {
            case null:
                writer.WriteNull();
                break;
            case JsonObject o:
                writer.WriteStartMap(indefinite ? null : o.Count);
                foreach ((string key, JsonNode? value) in o)
                {
                    writer.WriteTextString(key);
                    WriteCborValue(writer, value, key, indefinite);
                }
                writer.WriteEndMap();
                break;
            case JsonArray a:
                writer.WriteStartArray(indefinite ? null : a.Count);
                foreach (JsonNode? item in a)
                {
                    WriteCborValue(writer, item, member, indefinite);
                }
                writer.WriteEndArray();
                break;
            case JsonValue v when member is "Data" && v.TryGetValue(out string? base64):
                writer.WriteByteString(Convert.FromBase64String(base64));
                break;
            case JsonValue v when member is not null && s_timestampMembers.Contains(member) && v.TryGetValue(out double seconds):
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteInt64((long)Math.Round(seconds * 1000));
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                writer.WriteTextString(v.GetValue<string>());
                break;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                writer.WriteBoolean(v.GetValue<bool>());
                break;
            case JsonValue v when v.TryGetValue(out long whole):
                writer.WriteInt64(whole);
                break;
            case JsonValue v:
                writer.WriteDouble(v.GetValue<double>());
                break;
        }
    }

    /// <summary>Segment buffers as the log writes them, and a checkpoint slot.</summary>
    private static void WriteFrames(string directory)
    {
        const long CreatedMs = 1_764_150_000_000;
        byte[] segment = new byte[4096];
        SegmentDescriptor.Write(segment, baseSequence: 100, CreatedMs, logId: 7);
        int at = SegmentDescriptor.HeaderLength;
        at += FrameDescriptor.Write(segment.AsSpan(at), 100, CreatedMs + 1, "customer-17"u8, null, "{\"order\":42}"u8);
        at += FrameDescriptor.Write(segment.AsSpan(at), 101, CreatedMs + 2, "k"u8, new HashKey(UInt128.MaxValue / 3), [0x00, 0xFF, 0x80, 0x7F]);
        at += FrameDescriptor.Write(segment.AsSpan(at), 102, CreatedMs + 2, "empty-data"u8, null, []);
        File.WriteAllBytes(Path.Combine(directory, "segment-three-frames.bin"), segment.AsSpan(0, at + 8).ToArray()); // + a zero length: the end
        File.WriteAllBytes(Path.Combine(directory, "segment-torn-tail.bin"), segment.AsSpan(0, at - 5).ToArray());
        File.WriteAllBytes(Path.Combine(directory, "segment-header-only.bin"), segment.AsSpan(0, SegmentDescriptor.HeaderLength).ToArray());

        byte[] slot = new byte[CheckpointDescriptor.SlotLength];
        CheckpointDescriptor.Write(slot, new Checkpoint(Generation: 12, SegmentBase: 100, CommittedPosition: at, NextSequence: 103, LastTimestampMs: CreatedMs + 2));
        File.WriteAllBytes(Path.Combine(directory, "checkpoint-slot.bin"), slot);
    }

    /// <summary>Genuine tokens, signed with <see cref="IteratorTarget.Key"/>.</summary>
    private static void WriteTokens(string directory)
    {
        var signer = new TokenSigner(IteratorTarget.Key);
        const long IssuedMs = 1_764_150_000_000;
        var iterator = new ShardIteratorToken("orders", StreamTag: 0x1234_5678, StreamCreatedMs: IssuedMs - 86_400_000, ShardIndex: 3, NextCounter: 4242, IssuedMs);
        File.WriteAllText(Path.Combine(directory, "shard-iterator.txt"), iterator.Encode(signer));
        var longName = iterator with { StreamName = new string('s', 128), ShardIndex = 0, NextCounter = ulong.MaxValue };
        File.WriteAllText(Path.Combine(directory, "shard-iterator-long-name.txt"), longName.Encode(signer));
        File.WriteAllText(Path.Combine(directory, "list-shards-token.txt"),
            new ListToken(ListToken.ShardsKind, IssuedMs, 100, "orders", "shardId-000000000001").Encode(signer));
        File.WriteAllText(Path.Combine(directory, "list-streams-token.txt"),
            new ListToken(ListToken.StreamsKind, IssuedMs, 10, "", "orders").Encode(signer));
        File.WriteAllText(Path.Combine(directory, "list-consumers-token.txt"),
            new ListToken(ListToken.ConsumersKind, IssuedMs, 5, "arn:aws:kinesis:us-east-1:000000000000:stream/orders", "consumer-1").Encode(signer));
    }

    /// <summary>SubscribeToShard messages as the server writes them, and one message with every header value type.</summary>
    private static void WriteEventStream(string directory)
    {
        byte[] initial = EventStreamEncoder.Encode(EventStreamMessage.Event(EventStreamNames.InitialResponse, "application/json", "{}"u8.ToArray()));
        var eventPayload = new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["Data"] = JsonValue.Create("{\"order\":42}"u8.ToArray()),
                ["PartitionKey"] = "customer-17",
                ["SequenceNumber"] = "49654720736374316474931254437426184823375963617592557570",
                ["ApproximateArrivalTimestamp"] = DateTimeOffset.FromUnixTimeMilliseconds(1_764_150_000_123),
            }),
            ["ContinuationSequenceNumber"] = "49654720736374316474931254437426184823375963617592557570",
            ["MillisBehindLatest"] = 0,
            ["ChildShards"] = new JsonArray(),
        };
        byte[] json = EventStreamEncoder.Encode(EventStreamMessage.Event("SubscribeToShardEvent", "application/json", WireCodec.Encode(eventPayload, WireFormat.Json)));
        byte[] cbor = EventStreamEncoder.Encode(EventStreamMessage.Event("SubscribeToShardEvent", "application/x-amz-cbor-1.1", WireCodec.Encode(eventPayload, WireFormat.Cbor)));
        byte[] exception = EventStreamEncoder.Encode(EventStreamMessage.Exception("ResourceNotFoundException", "application/json",
            WireCodec.EncodeError("ResourceNotFoundException", "Stream orders under account 000000000000 not found.", WireFormat.Json)));
        File.WriteAllBytes(Path.Combine(directory, "initial-response.bin"), initial);
        File.WriteAllBytes(Path.Combine(directory, "subscribe-event-json.bin"), json);
        File.WriteAllBytes(Path.Combine(directory, "subscribe-event-cbor.bin"), cbor);
        File.WriteAllBytes(Path.Combine(directory, "exception.bin"), exception);
        File.WriteAllBytes(Path.Combine(directory, "stream-three-messages.bin"), [.. initial, .. json, .. exception]);
        File.WriteAllBytes(Path.Combine(directory, "all-header-types.bin"), AllHeaderTypes());
    }

    /// <summary>A message with one header of each value type 0 to 9 (AWS writes e.g. <c>:date</c> as a timestamp).</summary>
    private static byte[] AllHeaderTypes()
    {
        var headers = new List<byte>();
        void Header(string name, byte type, ReadOnlySpan<byte> value)
        {
            headers.Add((byte)name.Length);
            headers.AddRange(Encoding.ASCII.GetBytes(name));
            headers.Add(type);
            headers.AddRange(value.ToArray());
        }
        Header("t", 0, []);
        Header("f", 1, []);
        Header("b", 2, [0xFE]);
        Header("s", 3, [0x01, 0x02]);
        Header("i", 4, [0x00, 0x00, 0x01, 0x00]);
        Header("l", 5, [0, 0, 0, 0, 0, 0, 1, 0]);
        Header("bytes", 6, [0x00, 0x03, 0xDE, 0xAD, 0x01]);
        Header(":content-type", 7, [0x00, 0x10, .. "application/json"u8]);
        Header(":date", 8, [0x00, 0x00, 0x01, 0x9A, 0xC0, 0xB2, 0x7E, 0x00]);
        Header("id", 9, [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0]);
        byte[] payload = "{\"message\":\"ok\"}"u8.ToArray();
        int total = 12 + headers.Count + payload.Length + 4;
        byte[] message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headers.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.HashToUInt32(message.AsSpan(0, 8)));
        headers.CopyTo(message, 12);
        payload.CopyTo(message, 12 + headers.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }
}
