using System.Formats.Cbor;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Security.Audit;
using Runnel.Testing;

namespace Runnel.Server.Tests.Security;

/// <summary>
/// The audit trail through the running server: every Kinesis call (successful, refused for an unknown operation, a
/// malformed body, a wrong content type, a missing stream, throttled...) leaves exactly one line whose errorCode and
/// errorMessage are what the client was answered, whose requestID is the x-amzn-RequestId it got, and no record
/// data ever reaches the trail.
/// </summary>
public class AuditTrailServerTests
{
    private const string Canary = "AUDIT-CANARY-5d1e0f7a-record-data";

    [Fact]
    public async Task EveryKinesisCall_LeavesOneRecordWithTheAnswerItGot()
    {
        using var directory = new TempDirectory();
        var calls = new List<Call>();
        RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path) with
        {
            AuditEnabled = true,
            Streams = ServerFixture.Options(directory.Path).Streams with { LimitsEnabled = true },
        });
        string auditDirectory = Path.Combine(server.DataDirectory, "audit");
        await using (server)
        {
            using HttpClient client = ServerFixture.PlainClient();
            Uri plain = server.PlainEndpoint!;
            string data = Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary));

            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "CreateStream", """{"StreamName":"audited","ShardCount":1}""")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "DescribeStreamSummary", """{"StreamName":"audited"}""")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "PutRecord", $$"""{"StreamName":"audited","Data":"{{data}}","PartitionKey":"pk-audit"}""")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "PutRecords",
                $$"""{"StreamName":"audited","Records":[{"Data":"{{data}}","PartitionKey":"a"},{"Data":"{{data}}","PartitionKey":"b"}]}""")));
            calls.Add(await SendAsync(client, CborPutRecord(plain)));
            Call iterator = await SendAsync(client, ServerFixture.Kinesis(plain, "GetShardIterator",
                """{"StreamName":"audited","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"""));
            calls.Add(iterator);
            string token = JsonNode.Parse(iterator.Body)!["ShardIterator"]!.GetValue<string>();
            for (int i = 0; i < 8; i++)
            {
                // GetRecords allows 5 calls per second per shard: some of these may be throttled; each is recorded as answered.
                calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "GetRecords", $$"""{"ShardIterator":"{{token}}"}""")));
            }
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "NoSuchOperation", "{}")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, null, "{}")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "DescribeStream", "{not json")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "DescribeStream", """{"StreamName":"missing"}""")));
            calls.Add(await SendAsync(client, ServerFixture.Kinesis(plain, "ListStreams", Encoding.UTF8.GetBytes("{}"), HttpVersion.Version11, "text/plain")));
            using (HttpResponseMessage health = await client.GetAsync(new Uri(plain, "/health")))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode); // not an API call: not recorded
            }
            using (HttpClient tls = TlsClient(server))
            {
                calls.Add(await SendAsync(tls, ServerFixture.Kinesis(server.TlsEndpoint!, "ListStreams", "{}")));
            }
        }

        List<JsonElement> records = ReadRecords(auditDirectory);
        string everything = string.Concat(Directory.GetFiles(auditDirectory).Select(File.ReadAllText));
        Assert.DoesNotContain(Canary, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)), everything, StringComparison.Ordinal);
        Assert.Equal(calls.Count, records.Count);
        var byRequestId = records.ToDictionary(r => r.GetProperty("requestID").GetString()!);
        foreach (Call call in calls)
        {
            JsonElement record = byRequestId[call.RequestId];
            Assert.Equal(call.Operation, record.GetProperty("eventName").GetString());
            Assert.Equal(call.ErrorCode, record.TryGetProperty("errorCode", out JsonElement code) ? code.GetString() : null);
            Assert.Equal(call.ErrorMessage, record.TryGetProperty("errorMessage", out JsonElement message) ? message.GetString() : null);
            Assert.Equal("127.0.0.1", record.GetProperty("sourceIPAddress").GetString());
            Assert.Equal("kinesis.amazonaws.com", record.GetProperty("eventSource").GetString());
            Assert.EndsWith("Z", record.GetProperty("eventTime").GetString(), StringComparison.Ordinal);
            Assert.Equal("AKIDEXAMPLE", record.GetProperty("userIdentity").GetProperty("accessKeyId").GetString());
        }
        Assert.Contains(calls, c => c.ErrorCode == "UnknownOperationException" && c.Operation == "NoSuchOperation");
        Assert.Contains(calls, c => c.ErrorCode == "SerializationException");
        Assert.Contains(calls, c => c.ErrorCode == "ResourceNotFoundException");

        JsonElement put = byRequestId[calls.Single(c => c.Operation == "PutRecord" && c.Format == "json").RequestId];
        Assert.Equal("pk-audit", put.GetProperty("requestParameters").GetProperty("partitionKey").GetString());
        Assert.False(put.GetProperty("requestParameters").TryGetProperty("data", out _));
        Assert.Equal("shardId-000000000000", put.GetProperty("responseElements").GetProperty("shardId").GetString());
        Assert.Equal("Data", put.GetProperty("eventCategory").GetString());
        JsonElement create = byRequestId[calls[0].RequestId];
        Assert.Equal("audited", create.GetProperty("requestParameters").GetProperty("streamName").GetString());
        Assert.Equal("Management", create.GetProperty("eventCategory").GetString());
        Assert.False(create.GetProperty("readOnly").GetBoolean());
        JsonElement overTls = byRequestId[calls[^1].RequestId];
        Assert.StartsWith("TLSv1.", overTls.GetProperty("tlsDetails").GetProperty("tlsVersion").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeToShard_IsRecordedWhenItsStreamStarts()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path) with { AuditEnabled = true });
        using HttpClient client = ServerFixture.PlainClient();
        Uri plain = server.PlainEndpoint!;
        await SendAsync(client, ServerFixture.Kinesis(plain, "CreateStream", """{"StreamName":"efo","ShardCount":1}"""));
        string arn = server.Engine.DescribeStreamSummary(new Streams.StreamRef("efo", null)).StreamArn;
        Call registered = await SendAsync(client, ServerFixture.Kinesis(plain, "RegisterStreamConsumer", $$"""{"StreamARN":"{{arn}}","ConsumerName":"c"}"""));
        string consumer = JsonNode.Parse(registered.Body)!["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        while (JsonNode.Parse((await SendAsync(client, ServerFixture.Kinesis(plain, "DescribeStreamConsumer", $$"""{"ConsumerARN":"{{consumer}}"}"""))).Body)!
                   ["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>() != "ACTIVE")
        {
            await Task.Yield();
        }

        using HttpRequestMessage subscribe = ServerFixture.Kinesis(plain, "SubscribeToShard",
            $$$"""{"ConsumerARN":"{{{consumer}}}","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}""");
        using HttpResponseMessage stream = await client.SendAsync(subscribe, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await server.Audit!.FlushAsync();

        // The event stream is still open, and its record is already durable.
        JsonElement record = ReadRecords(Path.Combine(server.DataDirectory, "audit")).Single(r => r.GetProperty("eventName").GetString() == "SubscribeToShard");
        Assert.Equal(stream.Headers.GetValues("x-amzn-RequestId").Single(), record.GetProperty("requestID").GetString());
        Assert.False(record.TryGetProperty("errorCode", out _));
        Assert.Equal(consumer, record.GetProperty("requestParameters").GetProperty("consumerARN").GetString());
        Assert.Equal("Data", record.GetProperty("eventCategory").GetString());
        Assert.True(record.GetProperty("readOnly").GetBoolean());
    }

    [Fact]
    public async Task AuditOff_WritesNoTrail()
    {
        using var directory = new TempDirectory();
        await using (RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path)))
        {
            using HttpClient client = ServerFixture.PlainClient();
            await SendAsync(client, ServerFixture.Kinesis(server.PlainEndpoint!, "ListStreams", "{}"));
            Assert.Null(server.Audit);
        }

        Assert.False(Directory.Exists(Path.Combine(directory.Path, "audit")));
    }

    [Fact]
    public async Task AuditDirectory_Given_IsUsedAndOwnerOnly()
    {
        using var directory = new TempDirectory();
        string auditDirectory = Path.Combine(directory.Path, "elsewhere", "trail");
        await using (RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(Path.Combine(directory.Path, "data")) with
        {
            AuditEnabled = true,
            AuditDirectory = auditDirectory,
        }))
        {
            using HttpClient client = ServerFixture.PlainClient();
            await SendAsync(client, ServerFixture.Kinesis(server.PlainEndpoint!, "ListStreams", "{}"));
            await server.Audit!.FlushAsync(); // durable before the server stops
            Assert.Single(ReadRecords(auditDirectory));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(auditDirectory));
        }
        Assert.Single(Directory.GetFiles(auditDirectory), f => AuditTrail.TryParse(Path.GetFileName(f), out _, out _));
    }

    private static HttpClient TlsClient(RunnelServer server)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == server.Certificate!.Certificate.Thumbprint;
        return new HttpClient(handler);
    }

    private static HttpRequestMessage CborPutRecord(Uri endpoint)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(3);
        writer.WriteTextString("StreamName");
        writer.WriteTextString("audited");
        writer.WriteTextString("Data");
        writer.WriteByteString(Encoding.UTF8.GetBytes(Canary));
        writer.WriteTextString("PartitionKey");
        writer.WriteTextString("pk-cbor");
        writer.WriteEndMap();
        return ServerFixture.Kinesis(endpoint, "PutRecord", writer.Encode(), HttpVersion.Version11, KinesisTarget.CborContentType);
    }

    private static async Task<Call> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            string? operation = KinesisTarget.OperationOf(request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? t) ? t.First() : null);
            string format = request.Content!.Headers.ContentType?.MediaType == KinesisTarget.CborContentType ? "cbor" : "json";
            using HttpResponseMessage response = await client.SendAsync(request);
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            string requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
            string? errorCode = null;
            string? errorMessage = null;
            if (!response.IsSuccessStatusCode)
            {
                JsonNode error = format == "cbor" ? throw new InvalidOperationException("CBOR error in the test") : JsonNode.Parse(body)!;
                errorCode = error["__type"]!.GetValue<string>();
                errorMessage = error["message"]!.GetValue<string>();
                Assert.Equal(errorCode, response.Headers.GetValues("x-amzn-ErrorType").Single());
            }
            return new Call(operation, format, requestId, errorCode, errorMessage, format == "json" ? Encoding.UTF8.GetString(body) : "");
        }
    }

    private static List<JsonElement> ReadRecords(string directory)
    {
        var records = new List<JsonElement>();
        foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            foreach (string line in File.ReadAllLines(file))
            {
                using JsonDocument document = JsonDocument.Parse(line);
                records.Add(document.RootElement.Clone());
            }
        }
        return records;
    }

    private sealed record Call(string? Operation, string Format, string RequestId, string? ErrorCode, string? ErrorMessage, string Body);
}
