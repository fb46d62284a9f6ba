using System.Formats.Cbor;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Runnel.Protocol;

namespace Runnel.Server.Tests;

/// <summary>
/// Requests shaped as the AWS Java SDK v2 (<c>KinesisAsyncClient</c>, CBOR on by default) sends them: over h2c with
/// prior knowledge, <c>application/x-amz-cbor-1.1</c>, a definite-length map, blobs as byte strings and timestamps as
/// tag 1 with an integer of epoch milliseconds; answers decoded with <see cref="CborReader"/> and checked for the same
/// conventions (kinesis-api.md 1.3, ecosystem.md 0.4).
/// </summary>
public class JavaCborTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string ShardZero = "shardId-000000000000";

    [Fact]
    public async Task CreateStream_JavaShapedCbor_Answers200EmptyAndBecomesActive()
    {
        (HttpStatusCode status, byte[] body) = await SendRawAsync("CreateStream", Map(("StreamName", "java-create"), ("ShardCount", 1)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body);
        await WaitActiveAsync("java-create");
    }

    [Fact]
    public async Task DescribeStreamSummary_JavaShapedCbor_CreationTimestampIsTag1EpochMilliseconds()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow;
        await CreateActiveAsync("java-summary", 2);
        Dictionary<string, object?> summary = Assert.IsType<Dictionary<string, object?>>(
            (await CallAsync("DescribeStreamSummary", Map(("StreamName", "java-summary"))))["StreamDescriptionSummary"]);
        Assert.Equal("java-summary", summary["StreamName"]);
        Assert.Equal("ACTIVE", summary["StreamStatus"]);
        Assert.Equal(2L, summary["OpenShardCount"]);
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/java-summary", summary["StreamARN"]);
        DateTimeOffset created = EpochMilliseconds(summary["StreamCreationTimestamp"]);
        Assert.InRange(created, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task PutRecordThenGetRecords_TrimHorizon_DataIsByteStringAndArrivalIsTag1Milliseconds()
    {
        const string stream = "java-put";
        await CreateActiveAsync(stream, 1);
        byte[] data = [0x00, 0xFF, 0x80, 0x7F, .. "héllo"u8, 0xC3, 0x28]; // not UTF-8, not base64: only a byte string carries it
        Dictionary<string, object?> put = await CallAsync("PutRecord", Map(("StreamName", stream), ("Data", data), ("PartitionKey", "pk-1")));
        DateTimeOffset stored = DateTimeOffset.UtcNow;
        Assert.Equal(ShardZero, put["ShardId"]);
        string sequenceNumber = AssertSequenceNumber(put["SequenceNumber"]);

        string iterator = await IteratorAsync(stream, ShardZero, Map(("ShardIteratorType", "TRIM_HORIZON")));
        Dictionary<string, object?> result = await CallAsync("GetRecords", Map(("ShardIterator", iterator), ("Limit", 100)));
        Dictionary<string, object?> record = Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(result["Records"])));
        Assert.Equal(data, Assert.IsType<byte[]>(record["Data"]));
        Assert.Equal("pk-1", record["PartitionKey"]);
        Assert.Equal(sequenceNumber, AssertSequenceNumber(record["SequenceNumber"]));
        Assert.InRange(EpochMilliseconds(record["ApproximateArrivalTimestamp"]), stored.AddSeconds(-1), stored.AddSeconds(1));
        Assert.IsType<string>(result["NextShardIterator"]);
        Assert.Equal(0L, result["MillisBehindLatest"]);
    }

    [Fact]
    public async Task PutRecords_JavaShapedCbor_EveryRecordStoredAndReadBackAsByteStrings()
    {
        const string stream = "java-batch";
        await CreateActiveAsync(stream, 1);
        byte[][] payloads = [[], [1], [.. Enumerable.Range(0, 256).Select(i => (byte)i)], "third"u8.ToArray()];
        var records = new List<object?>();
        for (int i = 0; i < payloads.Length; i++)
        {
            records.Add(Map(("Data", payloads[i]), ("PartitionKey", $"pk-{i}")));
        }
        Dictionary<string, object?> put = await CallAsync("PutRecords", Map(("Records", records), ("StreamName", stream)));
        DateTimeOffset stored = DateTimeOffset.UtcNow;
        Assert.Equal(0L, put["FailedRecordCount"]);
        List<object?> results = Assert.IsType<List<object?>>(put["Records"]);
        Assert.Equal(payloads.Length, results.Count);
        string[] sequenceNumbers = [.. results.Select(r => AssertSequenceNumber(Assert.IsType<Dictionary<string, object?>>(r)["SequenceNumber"]))];

        string iterator = await IteratorAsync(stream, ShardZero, Map(("ShardIteratorType", "TRIM_HORIZON")));
        List<object?> read = Assert.IsType<List<object?>>((await CallAsync("GetRecords", Map(("ShardIterator", iterator))))["Records"]);
        Assert.Equal(payloads.Length, read.Count);
        for (int i = 0; i < payloads.Length; i++)
        {
            Dictionary<string, object?> record = Assert.IsType<Dictionary<string, object?>>(read[i]);
            Assert.Equal(payloads[i], Assert.IsType<byte[]>(record["Data"]));
            Assert.Equal($"pk-{i}", record["PartitionKey"]);
            Assert.Equal(sequenceNumbers[i], record["SequenceNumber"]);
            Assert.InRange(EpochMilliseconds(record["ApproximateArrivalTimestamp"]), stored.AddSeconds(-1), stored.AddSeconds(1));
        }
    }

    [Fact]
    public async Task GetShardIterator_AtTimestampAsTag1Milliseconds_StartsAtFirstLaterRecord()
    {
        const string stream = "java-at-timestamp";
        await CreateActiveAsync(stream, 1);
        await CallAsync("PutRecord", Map(("StreamName", stream), ("Data", new byte[] { 1 }), ("PartitionKey", "early")));
        await Task.Delay(50);
        DateTimeOffset between = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await CallAsync("PutRecord", Map(("StreamName", stream), ("Data", new byte[] { 2 }), ("PartitionKey", "late")));

        // The Java SDK writes Instant fields as tag 1 + epoch milliseconds; read as seconds, this would be far in the future.
        string iterator = await IteratorAsync(stream, ShardZero, Map(("ShardIteratorType", "AT_TIMESTAMP"), ("Timestamp", between)));
        List<object?> read = Assert.IsType<List<object?>>((await CallAsync("GetRecords", Map(("ShardIterator", iterator))))["Records"]);
        Dictionary<string, object?> record = Assert.IsType<Dictionary<string, object?>>(Assert.Single(read));
        Assert.Equal("late", record["PartitionKey"]);
        Assert.Equal(new byte[] { 2 }, record["Data"]);
        Assert.True(EpochMilliseconds(record["ApproximateArrivalTimestamp"]) >= between.AddMilliseconds(-1));
    }

    [Fact]
    public async Task UnknownStream_JavaShapedCbor_Returns400WithCborEnvelope()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = JavaRequest(fixture.Plain, "GetShardIterator",
            Map(("ShardId", ShardZero), ("ShardIteratorType", "TRIM_HORIZON"), ("StreamName", "java-missing")));
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        (string type, string message) = await BadInputTableTests.ReadEnvelopeAsync(response, cbor: true);
        Assert.Equal("ResourceNotFoundException", type);
        Assert.Equal("Stream java-missing under account 000000000000 not found.", message);
        Assert.Equal(type, Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
    }

    private async Task CreateActiveAsync(string stream, int shards)
    {
        await CallAsync("CreateStream", Map(("ShardCount", shards), ("StreamName", stream)));
        await WaitActiveAsync(stream);
    }

    private async Task WaitActiveAsync(string stream)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            Dictionary<string, object?> result = await CallAsync("DescribeStreamSummary", Map(("StreamName", stream)));
            if (Assert.IsType<Dictionary<string, object?>>(result["StreamDescriptionSummary"])["StreamStatus"] as string == "ACTIVE")
            {
                return;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"{stream} never became ACTIVE");
    }

    private async Task<string> IteratorAsync(string stream, string shardId, Dictionary<string, object?> position)
    {
        position["StreamName"] = stream;
        position["ShardId"] = shardId;
        return Assert.IsType<string>((await CallAsync("GetShardIterator", position))["ShardIterator"]);
    }

    /// <summary>A successful call: 200 over HTTP/2, a CBOR answer (or an empty body for operations without output).</summary>
    private async Task<Dictionary<string, object?>> CallAsync(string operation, Dictionary<string, object?> members)
    {
        (HttpStatusCode status, byte[] body) = await SendRawAsync(operation, members);
        var reader = new CborReader(body);
        object? value = body.Length == 0 ? new Dictionary<string, object?>() : ReadValue(reader);
        Assert.True(status == HttpStatusCode.OK, $"{operation}: {(int)status} {Describe(value)}");
        Assert.Equal(0, reader.BytesRemaining);
        return Assert.IsType<Dictionary<string, object?>>(value);
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> SendRawAsync(string operation, Dictionary<string, object?> members)
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = JavaRequest(fixture.Plain, operation, members);
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpVersion.Version20, response.Version);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        if (body.Length > 0)
        {
            Assert.Equal(KinesisTarget.CborContentType, response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, body);
    }

    /// <summary>The request as the Java SDK v2 sends it: h2c prior knowledge, its headers, a CBOR body.</summary>
    internal static HttpRequestMessage JavaRequest(Uri endpoint, string operation, Dictionary<string, object?> members)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Encode(members)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(KinesisTarget.CborContentType);
        string date = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", KinesisTarget.Prefix + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", date);
        request.Headers.TryAddWithoutValidation("amz-sdk-invocation-id", Guid.NewGuid().ToString());
        request.Headers.TryAddWithoutValidation("amz-sdk-request", "attempt=1; max=4");
        request.Headers.TryAddWithoutValidation("User-Agent", "aws-sdk-java/2.33.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17 Java/17 vendor/Debian io/async http/NettyNio cfg/retry-mode/legacy");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{date[..8]}/us-east-1/kinesis/aws4_request, " +
            "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target, " +
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
        return request;
    }

    internal static Dictionary<string, object?> Map(params (string Key, object? Value)[] members)
        => members.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);

    /// <summary>CBOR as the Java SDK writes it: definite-length maps and arrays, byte-string blobs, tag-1 epoch-ms timestamps.</summary>
    internal static byte[] Encode(Dictionary<string, object?> members)
    {
        var writer = new CborWriter(CborConformanceMode.Strict, convertIndefiniteLengthEncodings: false);
        Write(writer, members);
        return writer.Encode();
    }

    private static void Write(CborWriter writer, object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> map:
                writer.WriteStartMap(map.Count);
                foreach ((string key, object? member) in map)
                {
                    writer.WriteTextString(key);
                    Write(writer, member);
                }
                writer.WriteEndMap();
                break;
            case List<object?> list:
                writer.WriteStartArray(list.Count);
                foreach (object? item in list)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case string text:
                writer.WriteTextString(text);
                break;
            case byte[] bytes:
                writer.WriteByteString(bytes);
                break;
            case int number:
                writer.WriteInt32(number);
                break;
            case DateTimeOffset time:
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteInt64(time.ToUnixTimeMilliseconds());
                break;
            default:
                throw new ArgumentException($"cannot encode {value}", nameof(value));
        }
    }

    /// <summary>Any CBOR value: maps, arrays, text, byte strings, integers, floats, booleans, null, and tag-1 values as a boxed (tag, value) tuple.</summary>
    internal static object? ReadValue(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                int? count = reader.ReadStartMap();
                Assert.NotNull(count); // the server writes definite lengths, as the Java SDK's parser expects either way
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    string key = reader.ReadTextString();
                    map.Add(key, ReadValue(reader));
                }
                reader.ReadEndMap();
                return map;
            case CborReaderState.StartArray:
                var list = new List<object?>();
                reader.ReadStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    list.Add(ReadValue(reader));
                }
                reader.ReadEndArray();
                return list;
            case CborReaderState.TextString:
                return reader.ReadTextString();
            case CborReaderState.ByteString:
                return reader.ReadByteString();
            case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                return reader.ReadInt64();
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                return reader.ReadDouble();
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            case CborReaderState.Tag:
                Assert.Equal(CborTag.UnixTimeSeconds, reader.ReadTag());
                return (Tag: CborTag.UnixTimeSeconds, Value: ReadValue(reader));
            default:
                throw new InvalidOperationException($"unexpected CBOR state {reader.PeekState()}");
        }
    }

    /// <summary>A tag-1 value must wrap an integer of epoch milliseconds (not a float of seconds).</summary>
    internal static DateTimeOffset EpochMilliseconds(object? value)
    {
        (CborTag tag, object? inner) = Assert.IsType<(CborTag, object?)>(value);
        Assert.Equal(CborTag.UnixTimeSeconds, tag);
        long milliseconds = Assert.IsType<long>(inner);
        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    /// <summary>A sequence number as AWS renders it: a text string of 56 decimal digits.</summary>
    internal static string AssertSequenceNumber(object? value)
    {
        string text = Assert.IsType<string>(value);
        Assert.Equal(56, text.Length);
        Assert.All(text, c => Assert.True(char.IsAsciiDigit(c), text));
        return text;
    }

    private static string Describe(object? value) => value switch
    {
        Dictionary<string, object?> map => "{" + string.Join(", ", map.Select(kv => $"{kv.Key}: {Describe(kv.Value)}")) + "}",
        _ => value?.ToString() ?? "null",
    };
}
