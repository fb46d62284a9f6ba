using System.Formats.Cbor;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Protocol.EventStream;

namespace Runnel.Server.Tests;

/// <summary>
/// SubscribeToShard through the whole pipeline: the event stream over HTTP/1.1 (chunked) and h2c, the
/// initial-response event first, records with continuations, CBOR payloads for a CBOR request, errors before the
/// stream as 400 answers, and a takeover after 5 s as a ResourceInUseException message in the older stream.
/// </summary>
public class SubscribeToShardTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Shard0 = "shardId-000000000000";

    public static TheoryData<int> Versions => new() { 1, 2 };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscribe_TrimHorizon_InitialResponseFirstThenRecordsWithContinuations(int major)
    {
        Version version = major == 1 ? HttpVersion.Version11 : HttpVersion.Version20;
        using HttpClient client = ServerFixture.PlainClient();
        string consumer = await StreamWithConsumerAsync(client, $"sub-{major}", version);
        List<string> sequences = [];
        for (int i = 0; i < 3; i++)
        {
            JsonNode put = await CallAsync(client, "PutRecord",
                new JsonObject { ["StreamName"] = $"sub-{major}", ["PartitionKey"] = "k", ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"r{i}")) }, version);
            sequences.Add(put["SequenceNumber"]!.GetValue<string>());
        }

        using HttpResponseMessage response = await SubscribeAsync(client, consumer, new JsonObject { ["Type"] = "TRIM_HORIZON" }, version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(version, response.Version);
        Assert.Equal(EventStreamNames.MediaType, response.Content.Headers.ContentType?.MediaType);
        if (major == 1)
        {
            Assert.True(response.Headers.TransferEncodingChunked);
        }
        await using Stream body = await response.Content.ReadAsStreamAsync();
        var reader = new MessageReader(body);

        EventStreamMessage initial = await reader.NextAsync();
        Assert.Equal("event", initial.Header(":message-type"));
        Assert.Equal("initial-response", initial.Header(":event-type"));
        Assert.Equal("application/json", initial.Header(":content-type"));
        Assert.Equal("{}", Encoding.UTF8.GetString(initial.Payload.Span));

        List<JsonNode> records = [];
        JsonNode? last = null;
        while (records.Count < 3)
        {
            EventStreamMessage message = await reader.NextAsync();
            Assert.Equal("event", message.Header(":message-type"));
            Assert.Equal("SubscribeToShardEvent", message.Header(":event-type"));
            Assert.Equal("application/json", message.Header(":content-type"));
            last = JsonNode.Parse(message.Payload.Span)!;
            records.AddRange(last["Records"]!.AsArray().Select(r => r!));
            Assert.True(last["MillisBehindLatest"]!.GetValue<long>() >= 0);
        }
        Assert.Equal(["r0", "r1", "r2"], records.Select(r => Encoding.UTF8.GetString(Convert.FromBase64String(r["Data"]!.GetValue<string>()))));
        Assert.Equal(sequences, records.Select(r => r["SequenceNumber"]!.GetValue<string>()));
        Assert.Equal(sequences[^1], last!["ContinuationSequenceNumber"]!.GetValue<string>());
        Assert.Null(last["ChildShards"]);
    }

    [Fact]
    public async Task Subscribe_CborRequest_EventsHaveCborPayloads()
    {
        using HttpClient client = ServerFixture.PlainClient();
        string consumer = await StreamWithConsumerAsync(client, "sub-cbor", HttpVersion.Version20);
        await CallAsync(client, "PutRecord", new JsonObject { ["StreamName"] = "sub-cbor", ["PartitionKey"] = "k", ["Data"] = "AAEC" }, HttpVersion.Version20);
        var writer = new CborWriter();
        writer.WriteStartMap(3);
        writer.WriteTextString("ConsumerARN");
        writer.WriteTextString(consumer);
        writer.WriteTextString("ShardId");
        writer.WriteTextString(Shard0);
        writer.WriteTextString("StartingPosition");
        writer.WriteStartMap(1);
        writer.WriteTextString("Type");
        writer.WriteTextString("TRIM_HORIZON");
        writer.WriteEndMap();
        writer.WriteEndMap();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "SubscribeToShard", writer.Encode(), HttpVersion.Version20, KinesisTarget.CborContentType);
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        var reader = new MessageReader(body);
        EventStreamMessage initial = await reader.NextAsync();
        Assert.Equal("initial-response", initial.Header(":event-type"));
        Assert.Equal(KinesisTarget.CborContentType, initial.Header(":content-type"));
        Assert.Equal(new byte[] { 0xA0 }, initial.Payload.ToArray()); // the empty CBOR map
        EventStreamMessage first = await reader.NextAsync();
        Assert.Equal("SubscribeToShardEvent", first.Header(":event-type"));
        Assert.Equal(KinesisTarget.CborContentType, first.Header(":content-type"));
        RequestBody payload = WireCodec.Decode(first.Payload.Span, WireFormat.Cbor);
        RequestBody record = Assert.Single(payload.GetObjectList("Records")!);
        Assert.Equal(new byte[] { 0, 1, 2 }, record.GetBlob("Data"));
        Assert.NotNull(record.GetTimestamp("ApproximateArrivalTimestamp"));
    }

    [Fact]
    public async Task Subscribe_ErrorsBeforeTheStream_AreOrdinary400Answers()
    {
        using HttpClient client = ServerFixture.PlainClient();
        string consumer = await StreamWithConsumerAsync(client, "sub-errors", HttpVersion.Version11);

        await AssertErrorAsync(client, new JsonObject { ["ConsumerARN"] = consumer, ["ShardId"] = Shard0 }, "ValidationException");
        await AssertErrorAsync(client, new JsonObject
        {
            ["ConsumerARN"] = consumer,
            ["ShardId"] = Shard0,
            ["StartingPosition"] = new JsonObject { ["Type"] = "SOMEWHERE" },
        }, "ValidationException");
        await AssertErrorAsync(client, new JsonObject
        {
            ["ConsumerARN"] = consumer,
            ["ShardId"] = "shardId-000000000009",
            ["StartingPosition"] = new JsonObject { ["Type"] = "LATEST" },
        }, "ResourceNotFoundException");
        await AssertErrorAsync(client, new JsonObject
        {
            ["ConsumerARN"] = consumer + "0",
            ["ShardId"] = Shard0,
            ["StartingPosition"] = new JsonObject { ["Type"] = "LATEST" },
        }, "ResourceNotFoundException");

        using HttpResponseMessage live = await SubscribeAsync(client, consumer, new JsonObject { ["Type"] = "LATEST" }, HttpVersion.Version11);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await AssertErrorAsync(client, new JsonObject
        {
            ["ConsumerARN"] = consumer,
            ["ShardId"] = Shard0,
            ["StartingPosition"] = new JsonObject { ["Type"] = "LATEST" },
        }, "ResourceInUseException");
    }

    /// <summary>
    /// Input is validated before any lookup, with the request's member paths (regression: a bad sequence number was
    /// ResourceNotFoundException for an unknown consumer, else reported at 'startingSequenceNumber').
    /// </summary>
    [Fact]
    public async Task Subscribe_InvalidMembers_ValidationExceptionAtTheMemberPathBeforeAnyLookup()
    {
        using HttpClient client = ServerFixture.PlainClient();
        const string Unknown = "arn:aws:kinesis:us-east-1:000000000000:stream/nowhere/consumer/c:1700000000";
        Assert.Equal(
            @"1 validation error detected: Value 'abc' at 'startingPosition.sequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})",
            await AssertErrorAsync(client, new JsonObject
            {
                ["ConsumerARN"] = Unknown,
                ["ShardId"] = Shard0,
                ["StartingPosition"] = new JsonObject { ["Type"] = "AT_SEQUENCE_NUMBER", ["SequenceNumber"] = "abc" },
            }, "ValidationException"));
        Assert.Equal(
            "1 validation error detected: Value 'bad id' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            await AssertErrorAsync(client, new JsonObject
            {
                ["ConsumerARN"] = Unknown,
                ["ShardId"] = "bad id",
                ["StartingPosition"] = new JsonObject { ["Type"] = "LATEST" },
            }, "ValidationException"));
        Assert.Equal(
            "1 validation error detected: Value null at 'startingPosition.type' failed to satisfy constraint: Member must not be null",
            await AssertErrorAsync(client, new JsonObject { ["ConsumerARN"] = Unknown, ["ShardId"] = Shard0, ["StartingPosition"] = new JsonObject() }, "ValidationException"));
    }

    [Fact]
    public async Task Subscribe_TakenOverAfterFiveSeconds_OlderStreamEndsWithResourceInUseMessage()
    {
        using HttpClient client = ServerFixture.PlainClient();
        string consumer = await StreamWithConsumerAsync(client, "sub-takeover", HttpVersion.Version20);
        using HttpResponseMessage first = await SubscribeAsync(client, consumer, new JsonObject { ["Type"] = "LATEST" }, HttpVersion.Version20);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(5.2));
        using HttpResponseMessage second = await SubscribeAsync(client, consumer, new JsonObject { ["Type"] = "LATEST" }, HttpVersion.Version20);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        await using Stream body = await first.Content.ReadAsStreamAsync();
        var reader = new MessageReader(body);
        EventStreamMessage message;
        do
        {
            message = await reader.NextAsync();
        }
        while (message.Header(":message-type") == "event");
        Assert.Equal("exception", message.Header(":message-type"));
        Assert.Equal("ResourceInUseException", message.Header(":exception-type"));
        Assert.Equal("application/json", message.Header(":content-type"));
        Assert.Contains("subscription", JsonNode.Parse(message.Payload.Span)!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await reader.TryNextAsync()); // then the stream ends
    }

    private async Task<string> StreamWithConsumerAsync(HttpClient client, string stream, Version version)
    {
        await CallAsync(client, "CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = 1 }, version);
        string arn = fixture.Server.Engine.DescribeStreamSummary(new Streams.StreamRef(stream, null)).StreamArn;
        JsonNode registered = await CallAsync(client, "RegisterStreamConsumer", new JsonObject { ["StreamARN"] = arn, ["ConsumerName"] = "efo" }, version);
        string consumer = registered["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await CallAsync(client, "DescribeStreamConsumer", new JsonObject { ["ConsumerARN"] = consumer }, version))["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>() != "ACTIVE")
        {
            await Task.Delay(50, timeout.Token);
        }
        return consumer;
    }

    private async Task<HttpResponseMessage> SubscribeAsync(HttpClient client, string consumer, JsonObject position, Version version)
    {
        var body = new JsonObject { ["ConsumerARN"] = consumer, ["ShardId"] = Shard0, ["StartingPosition"] = position };
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "SubscribeToShard", Encoding.UTF8.GetBytes(body.ToJsonString()), version);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Expects a 400 JSON error of the given type; returns its message.</summary>
    private async Task<string> AssertErrorAsync(HttpClient client, JsonObject body, string type)
    {
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "SubscribeToShard", body.ToJsonString(), HttpVersion.Version11);
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal(KinesisTarget.JsonContentType, response.Content.Headers.ContentType?.MediaType);
        JsonNode error = JsonNode.Parse(text)!;
        Assert.Equal(type, error["__type"]!.GetValue<string>());
        return error["message"]!.GetValue<string>();
    }

    private async Task<JsonNode> CallAsync(HttpClient client, string operation, JsonObject body, Version version)
    {
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, operation, Encoding.UTF8.GetBytes(body.ToJsonString()), version);
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}
