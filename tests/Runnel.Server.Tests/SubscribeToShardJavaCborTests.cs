using System.Buffers.Binary;
using System.Formats.Cbor;
using System.IO.Hashing;
using System.Net;
using System.Numerics;
using System.Text;
using Runnel.Protocol;
using Runnel.Protocol.EventStream;
using static Runnel.Server.Tests.JavaCborTests;

namespace Runnel.Server.Tests;

/// <summary>
/// SubscribeToShard as the AWS Java SDK v2 (<c>KinesisAsyncClient</c>, CBOR on by default) does it, over real Kestrel on
/// loopback h2c: a CBOR request body (the starting timestamp as tag 1 + epoch milliseconds), then the event stream
/// decoded the way the SDK decodes it. <c>software.amazon.eventstream.MessageDecoder</c> checks the prelude CRC, the
/// message CRC, a payload of at most 16 MiB and headers of at most 128 KiB, and reads <c>:message-type</c>,
/// <c>:event-type</c> and <c>:exception-type</c> with <c>HeaderValue.getString()</c> (string headers only); the
/// CBOR unmarshaller (Jackson CBORParser) then reads the payload as a map: blobs from byte strings, timestamps as
/// <c>Long.parseLong</c> of the number after tag 1 (milliseconds), longs as integers, a null continuation as null.
/// </summary>
public class SubscribeToShardJavaCborTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string ShardZero = "shardId-000000000000";
    private const int MaxPayloadBytes = 16 * 1024 * 1024;
    private const int MaxHeaderBytes = 128 * 1024;

    [Fact]
    public async Task Subscribe_JavaShapedCborAtTimestamp_EventsAreCborAsTheJavaSdkReadsThem()
    {
        const string stream = "java-sub";
        string consumer = await StreamWithConsumerAsync(stream);
        byte[][] data = [[0x00, 0xFF, 0xC3, 0x28], [], [.. Enumerable.Range(0, 256).Select(i => (byte)i)]];
        await CallAsync("PutRecord", Map(("StreamName", stream), ("Data", data[0]), ("PartitionKey", "early")));
        await Task.Delay(50);
        DateTimeOffset between = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        var later = new List<object?> { Map(("Data", data[1]), ("PartitionKey", "late-1")), Map(("Data", data[2]), ("PartitionKey", "late-2")) };
        List<object?> put = Assert.IsType<List<object?>>((await CallAsync("PutRecords", Map(("Records", later), ("StreamName", stream))))["Records"]);
        string[] sequences = [.. put.Select(r => AssertSequenceNumber(Assert.IsType<Dictionary<string, object?>>(r)["SequenceNumber"]))];

        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await SubscribeAsync(client, consumer, Map(("Type", "AT_TIMESTAMP"), ("Timestamp", between)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(EventStreamNames.MediaType, response.Content.Headers.ContentType?.MediaType);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        var reader = new JavaMessageDecoder(body);

        JavaMessage initial = await reader.NextAsync();
        Assert.Equal("event", initial.Headers[":message-type"]);
        Assert.Equal("initial-response", initial.Headers[":event-type"]);
        Assert.Equal(KinesisTarget.CborContentType, initial.Headers[":content-type"]);
        Assert.Empty(Assert.IsType<Dictionary<string, object?>>(DecodeCbor(initial.Payload)));

        List<Dictionary<string, object?>> records = [];
        Dictionary<string, object?> last = [];
        while (records.Count < 2)
        {
            JavaMessage message = await reader.NextAsync();
            Assert.Equal("event", message.Headers[":message-type"]);
            Assert.Equal("SubscribeToShardEvent", message.Headers[":event-type"]);
            Assert.Equal(KinesisTarget.CborContentType, message.Headers[":content-type"]);
            last = Assert.IsType<Dictionary<string, object?>>(DecodeCbor(message.Payload));
            records.AddRange(Assert.IsType<List<object?>>(last["Records"]).Select(r => Assert.IsType<Dictionary<string, object?>>(r)));
            Assert.True(Assert.IsType<long>(last["MillisBehindLatest"]) >= 0); // an integer: Long.parseLong of its text
            Assert.False(last.ContainsKey("ChildShards"));
        }
        Assert.Equal(2, records.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(sequences[i], AssertSequenceNumber(records[i]["SequenceNumber"]));
            Assert.Equal(data[i + 1], Assert.IsType<byte[]>(records[i]["Data"]));
            Assert.Equal($"late-{i + 1}", records[i]["PartitionKey"]);
            Assert.True(EpochMilliseconds(records[i]["ApproximateArrivalTimestamp"]) >= between.AddMilliseconds(-1));
        }
        Assert.Equal(sequences[^1], AssertSequenceNumber(last["ContinuationSequenceNumber"]));

        // The shard closes while subscribed: the last event has a null continuation and the children, then the stream ends.
        await CallAsync("SplitShard", Map(("NewStartingHashKey", BigInteger.Pow(2, 127).ToString()), ("ShardToSplit", ShardZero), ("StreamName", stream)));
        Dictionary<string, object?> end;
        do
        {
            JavaMessage message = await reader.NextAsync();
            Assert.Equal("SubscribeToShardEvent", message.Headers[":event-type"]);
            end = Assert.IsType<Dictionary<string, object?>>(DecodeCbor(message.Payload));
            Assert.Empty(Assert.IsType<List<object?>>(end["Records"]));
        }
        while (!end.ContainsKey("ChildShards"));
        Assert.Null(end.GetValueOrDefault("ContinuationSequenceNumber"));
        List<object?> children = Assert.IsType<List<object?>>(end["ChildShards"]);
        Assert.Equal(2, children.Count);
        var child = Assert.IsType<Dictionary<string, object?>>(children[1]);
        Assert.Equal("shardId-000000000002", child["ShardId"]);
        Assert.Equal(new object?[] { ShardZero }, Assert.IsType<List<object?>>(child["ParentShards"]));
        var range = Assert.IsType<Dictionary<string, object?>>(child["HashKeyRange"]);
        Assert.Equal(BigInteger.Pow(2, 127).ToString(), range["StartingHashKey"]);
        Assert.Equal((BigInteger.Pow(2, 128) - 1).ToString(), range["EndingHashKey"]);
        Assert.Null(await reader.TryNextAsync());
    }

    [Fact]
    public async Task Subscribe_JavaShapedCborTakenOver_ExceptionMessageIsCborWithExceptionType()
    {
        string consumer = await StreamWithConsumerAsync("java-sub-takeover");
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage first = await SubscribeAsync(client, consumer, Map(("Type", "LATEST")));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // Within 5 s: refused before the stream, a 400 in CBOR that the SDK's error unmarshaller reads by x-amzn-ErrorType.
        using (HttpResponseMessage refused = await SubscribeAsync(client, consumer, Map(("Type", "LATEST"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("ResourceInUseException", Assert.Single(refused.Headers.GetValues("x-amzn-ErrorType")));
            (string type, string reason) = await BadInputTableTests.ReadEnvelopeAsync(refused, cbor: true);
            Assert.Equal("ResourceInUseException", type);
            Assert.Contains("Subscribe again after 5 seconds", reason, StringComparison.Ordinal);
        }

        await Task.Delay(TimeSpan.FromSeconds(5.2));
        using HttpResponseMessage second = await SubscribeAsync(client, consumer, Map(("Type", "LATEST")));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await using Stream body = await first.Content.ReadAsStreamAsync();
        var reader = new JavaMessageDecoder(body);
        JavaMessage message;
        do
        {
            message = await reader.NextAsync();
        }
        while (message.Headers[":message-type"] == "event");
        Assert.Equal("exception", message.Headers[":message-type"]);
        Assert.Equal("ResourceInUseException", message.Headers[":exception-type"]); // JsonErrorCodeParser reads this header
        Assert.Equal(KinesisTarget.CborContentType, message.Headers[":content-type"]);
        var payload = Assert.IsType<Dictionary<string, object?>>(DecodeCbor(message.Payload));
        Assert.Contains("subscription", Assert.IsType<string>(payload["message"]), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await reader.TryNextAsync());
    }

    private async Task<string> StreamWithConsumerAsync(string stream)
    {
        await CallAsync("CreateStream", Map(("ShardCount", 1), ("StreamName", stream)));
        string streamArn = "";
        string status = "";
        for (int attempt = 0; attempt < 200 && status != "ACTIVE"; attempt++)
        {
            var summary = Assert.IsType<Dictionary<string, object?>>((await CallAsync("DescribeStreamSummary", Map(("StreamName", stream))))["StreamDescriptionSummary"]);
            (status, streamArn) = (Assert.IsType<string>(summary["StreamStatus"]), Assert.IsType<string>(summary["StreamARN"]));
            await Task.Delay(20);
        }
        Assert.Equal("ACTIVE", status);
        var registered = Assert.IsType<Dictionary<string, object?>>((await CallAsync("RegisterStreamConsumer", Map(("ConsumerName", "java"), ("StreamARN", streamArn))))["Consumer"]);
        string consumer = Assert.IsType<string>(registered["ConsumerARN"]);
        for (int attempt = 0; attempt < 400; attempt++)
        {
            var description = Assert.IsType<Dictionary<string, object?>>((await CallAsync("DescribeStreamConsumer", Map(("ConsumerARN", consumer))))["ConsumerDescription"]);
            if (description["ConsumerStatus"] as string == "ACTIVE")
            {
                return consumer;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"consumer {consumer} never became ACTIVE");
        return consumer;
    }

    private async Task<HttpResponseMessage> SubscribeAsync(HttpClient client, string consumer, Dictionary<string, object?> position)
    {
        using HttpRequestMessage request = JavaRequest(fixture.Plain, "SubscribeToShard",
            Map(("ConsumerARN", consumer), ("ShardId", ShardZero), ("StartingPosition", position)));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task<Dictionary<string, object?>> CallAsync(string operation, Dictionary<string, object?> members)
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = JavaRequest(fixture.Plain, operation, members);
        using HttpResponseMessage response = await client.SendAsync(request);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        object? value = body.Length == 0 ? new Dictionary<string, object?>() : DecodeCbor(body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode}");
        return Assert.IsType<Dictionary<string, object?>>(value);
    }

    /// <summary>One CBOR value filling the payload, as Jackson's CBORParser reads it (definite lengths, tag 1 kept).</summary>
    private static object? DecodeCbor(byte[] payload)
    {
        var reader = new CborReader(payload, CborConformanceMode.Lax);
        object? value = ReadValue(reader);
        Assert.Equal(0, reader.BytesRemaining);
        return value;
    }

    private sealed record JavaMessage(Dictionary<string, string> Headers, byte[] Payload);

    /// <summary>
    /// The frame checks of <c>software.amazon.eventstream</c> (Prelude.decode, Message.decode, Header.decode), written
    /// out here rather than taken from Runnel.Protocol, so that the server's encoder is not checked by itself.
    /// </summary>
    private sealed class JavaMessageDecoder(Stream body)
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _length;

        public async Task<JavaMessage> NextAsync() => await TryNextAsync() ?? throw new InvalidDataException("The event stream ended.");

        public async Task<JavaMessage?> TryNextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                if (TryDecode(out JavaMessage? message))
                {
                    return message;
                }
                if (_length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                int read = await body.ReadAsync(_buffer.AsMemory(_length), timeout.Token);
                if (read == 0)
                {
                    Assert.True(_length == 0, $"the stream ended inside a message ({_length} bytes)");
                    return null;
                }
                _length += read;
            }
        }

        private bool TryDecode(out JavaMessage? message)
        {
            message = null;
            ReadOnlySpan<byte> buffer = _buffer.AsSpan(0, _length);
            if (buffer.Length < 12)
            {
                return false;
            }
            uint totalLength = BinaryPrimitives.ReadUInt32BigEndian(buffer);
            uint headersLength = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]), Crc32.HashToUInt32(buffer[..8]));
            Assert.InRange(headersLength, 0u, (uint)MaxHeaderBytes);
            Assert.InRange(totalLength, 16u + headersLength, 16u + headersLength + MaxPayloadBytes);
            if (buffer.Length < totalLength)
            {
                return false;
            }
            ReadOnlySpan<byte> frame = buffer[..(int)totalLength];
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(frame[^4..]), Crc32.HashToUInt32(frame[..^4]));
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            ReadOnlySpan<byte> h = frame.Slice(12, (int)headersLength);
            while (h.Length > 0)
            {
                int nameLength = h[0];
                string name = Encoding.UTF8.GetString(h.Slice(1, nameLength));
                h = h[(1 + nameLength)..];
                Assert.True(h[0] == 7, $"header {name} has value type {h[0]}: HeaderValue.getString() needs a string (7)");
                int valueLength = BinaryPrimitives.ReadUInt16BigEndian(h[1..]);
                headers[name] = new UTF8Encoding(false, true).GetString(h.Slice(3, valueLength));
                h = h[(3 + valueLength)..];
            }
            byte[] payload = frame[(12 + (int)headersLength)..^4].ToArray();
            message = new JavaMessage(headers, payload);
            Buffer.BlockCopy(_buffer, (int)totalLength, _buffer, 0, _length - (int)totalLength);
            _length -= (int)totalLength;
            return true;
        }
    }
}
