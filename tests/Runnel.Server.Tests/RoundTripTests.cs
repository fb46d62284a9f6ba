using System.Formats.Cbor;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runnel.Server.Tests;

/// <summary>Real operations through the whole pipeline: create, put, iterate, read; JSON over h1 and h2c, CBOR, TLS.</summary>
public class RoundTripTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<int> Versions => new() { 1, 2 };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Json_CreatePutGet_RoundTrips(int major)
    {
        Version version = major == 1 ? HttpVersion.Version11 : HttpVersion.Version20;
        string stream = $"json-{major}";
        using HttpClient client = ServerFixture.PlainClient();
        JsonNode created = await CallAsync(client, fixture.Plain, "CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = 1 }, version);
        Assert.Empty(created.AsObject());
        await WaitActiveAsync(client, stream, version);

        byte[] data = Encoding.UTF8.GetBytes("hello, runnel");
        JsonNode put = await CallAsync(client, fixture.Plain, "PutRecord",
            new JsonObject { ["StreamName"] = stream, ["PartitionKey"] = "k", ["Data"] = Convert.ToBase64String(data) }, version);
        string shardId = put["ShardId"]!.GetValue<string>();
        JsonNode iterator = await CallAsync(client, fixture.Plain, "GetShardIterator",
            new JsonObject { ["StreamName"] = stream, ["ShardId"] = shardId, ["ShardIteratorType"] = "TRIM_HORIZON" }, version);
        JsonNode records = await CallAsync(client, fixture.Plain, "GetRecords",
            new JsonObject { ["ShardIterator"] = iterator["ShardIterator"]!.GetValue<string>() }, version);
        JsonNode record = Assert.Single(records["Records"]!.AsArray())!;
        Assert.Equal(data, Convert.FromBase64String(record["Data"]!.GetValue<string>()));
        Assert.Equal(put["SequenceNumber"]!.GetValue<string>(), record["SequenceNumber"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, record["ApproximateArrivalTimestamp"]!.GetValueKind());
    }

    [Fact]
    public async Task Tls_CreateAndList_OverH2()
    {
        using HttpClient client = fixture.TlsClient();
        await CallAsync(client, fixture.Tls, "CreateStream", new JsonObject { ["StreamName"] = "tls-stream", ["ShardCount"] = 1 }, HttpVersion.Version20);
        JsonNode list = await CallAsync(client, fixture.Tls, "ListStreams", [], HttpVersion.Version20);
        Assert.Contains("tls-stream", list["StreamNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Cbor_PutAndGet_AnswersInCborWithByteStringsAndMillisecondTimestamps()
    {
        using HttpClient client = ServerFixture.PlainClient();
        const string stream = "cbor-stream";
        await CallAsync(client, fixture.Plain, "CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = 1 }, HttpVersion.Version20);
        await WaitActiveAsync(client, stream, HttpVersion.Version20);
        byte[] data = [0, 1, 2, 250, 255];

        var put = new CborWriter();
        put.WriteStartMap(3);
        put.WriteTextString("StreamName");
        put.WriteTextString(stream);
        put.WriteTextString("PartitionKey");
        put.WriteTextString("pk");
        put.WriteTextString("Data");
        put.WriteByteString(data);
        put.WriteEndMap();
        using HttpResponseMessage putResponse = await client.SendAsync(
            ServerFixture.Kinesis(fixture.Plain, "PutRecord", put.Encode(), HttpVersion.Version20, "application/x-amz-cbor-1.1"));
        Assert.Equal(HttpStatusCode.OK, putResponse.StatusCode);
        Assert.Equal("application/x-amz-cbor-1.1", putResponse.Content.Headers.ContentType!.MediaType);
        Dictionary<string, object?> putResult = ReadCborMap(await putResponse.Content.ReadAsByteArrayAsync());

        JsonNode iterator = await CallAsync(client, fixture.Plain, "GetShardIterator",
            new JsonObject { ["StreamName"] = stream, ["ShardId"] = (string)putResult["ShardId"]!, ["ShardIteratorType"] = "TRIM_HORIZON" }, HttpVersion.Version11);
        var get = new CborWriter();
        get.WriteStartMap(1);
        get.WriteTextString("ShardIterator");
        get.WriteTextString(iterator["ShardIterator"]!.GetValue<string>());
        get.WriteEndMap();
        using HttpResponseMessage getResponse = await client.SendAsync(
            ServerFixture.Kinesis(fixture.Plain, "GetRecords", get.Encode(), HttpVersion.Version11, "application/x-amz-cbor-1.1"));
        Assert.Equal(HttpStatusCode.OK, getResponse.StatusCode);
        var reader = new CborReader(await getResponse.Content.ReadAsByteArrayAsync());
        bool sawRecord = false;
        int? entries = reader.ReadStartMap();
        for (int i = 0; entries is null ? reader.PeekState() != CborReaderState.EndMap : i < entries; i++)
        {
            string key = reader.ReadTextString();
            if (key != "Records")
            {
                reader.SkipValue();
                continue;
            }
            Assert.Equal(1, reader.ReadStartArray());
            Dictionary<string, object?> record = ReadCborMap(reader);
            Assert.Equal(data, (byte[])record["Data"]!);
            long arrival = (long)record["ApproximateArrivalTimestamp"]!;
            Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(arrival), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            reader.ReadEndArray();
            sawRecord = true;
        }
        Assert.True(sawRecord);
    }

    private async Task WaitActiveAsync(HttpClient client, string stream, Version version)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            JsonNode summary = await CallAsync(client, fixture.Plain, "DescribeStreamSummary", new JsonObject { ["StreamName"] = stream }, version);
            if (summary["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>() == "ACTIVE")
            {
                return;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"{stream} never became ACTIVE");
    }

    private static async Task<JsonNode> CallAsync(HttpClient client, Uri endpoint, string operation, JsonObject body, Version version)
    {
        using HttpResponseMessage response = await client.SendAsync(
            ServerFixture.Kinesis(endpoint, operation, Encoding.UTF8.GetBytes(body.ToJsonString()), version));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {text}");
        Assert.Equal(version, response.Version);
        // Operations without output answer 200 with an empty body (kinesis-api.md 1.4); SDKs read it as {}.
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private static Dictionary<string, object?> ReadCborMap(byte[] bytes) => ReadCborMap(new CborReader(bytes));

    /// <summary>A flat CBOR map: text, byte strings, integers, tag-1 values (as their integer), nested values skipped.</summary>
    private static Dictionary<string, object?> ReadCborMap(CborReader reader)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        int? count = reader.ReadStartMap();
        for (int i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            string key = reader.ReadTextString();
            if (reader.PeekState() == CborReaderState.Tag)
            {
                Assert.Equal(CborTag.UnixTimeSeconds, reader.ReadTag());
            }
            map[key] = reader.PeekState() switch
            {
                CborReaderState.TextString => reader.ReadTextString(),
                CborReaderState.ByteString => reader.ReadByteString(),
                CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => reader.ReadInt64(),
                _ => Skip(reader),
            };
        }
        reader.ReadEndMap();
        return map;
    }

    private static object? Skip(CborReader reader)
    {
        reader.SkipValue();
        return null;
    }
}
