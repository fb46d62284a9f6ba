using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Runnel.Streams;
using Runnel.Testing;

namespace Runnel.Server.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> over the in-process server: exact per-stream counts after puts, reads and subscriptions,
/// shard-level series only while enhanced monitoring has them on, series gone with their stream, throttled puts and
/// reads counted, and text a Prometheus scraper accepts.
/// </summary>
public class MetricsEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Shard0 = "shardId-000000000000";
    private const string Shard1 = "shardId-000000000001";
    private const string LowHashKey = "0";
    private const string HighHashKey = "340282366920938463463374607431768211455";

    [Fact]
    public async Task Metrics_PutsAndGets_CountExactlyPerStream()
    {
        using HttpClient client = ServerFixture.PlainClient();
        await CreateStreamAsync(client, fixture.Plain, "metrics-a", 1);
        await CreateStreamAsync(client, fixture.Plain, "metrics-b", 1);
        for (int i = 0; i < 3; i++)
        {
            await PutRecordAsync(client, fixture.Plain, "metrics-a", "abc", "k"); // 3 + 1 bytes each
        }
        JsonNode put = await CallAsync(client, fixture.Plain, "PutRecords", new JsonObject
        {
            ["StreamName"] = "metrics-b",
            ["Records"] = new JsonArray(Entry("hello", "key1"), Entry("", "k")), // 9 + 1 bytes
        });
        Assert.Equal(0, put["FailedRecordCount"]!.GetValue<int>());
        string iterator = await IteratorAsync(client, fixture.Plain, "metrics-a", Shard0);
        JsonNode got = await CallAsync(client, fixture.Plain, "GetRecords", new JsonObject { ["ShardIterator"] = iterator });
        Assert.Equal(3, got["Records"]!.AsArray().Count);

        using (HttpResponseMessage response = await client.GetAsync(new Uri(fixture.Plain, "/metrics")))
        {
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        }
        PrometheusText metrics = await ScrapeAsync(client, fixture.Plain);
        Assert.Equal(12, metrics.Get("kinesis_incoming_bytes_total", "metrics-a"));
        Assert.Equal(3, metrics.Get("kinesis_incoming_records_total", "metrics-a"));
        Assert.Equal(12, metrics.Get("kinesis_put_record_bytes_total", "metrics-a"));
        Assert.Equal(3, metrics.Get("kinesis_put_record_success_total", "metrics-a"));
        Assert.Equal(3, metrics.Get("kinesis_put_record_latency_milliseconds_count", "metrics-a"));
        Assert.Null(metrics.Get("kinesis_put_records_total_records_total", "metrics-a"));
        Assert.Equal(1, metrics.Get("kinesis_get_records_success_total", "metrics-a"));
        Assert.Equal(3, metrics.Get("kinesis_get_records_records_total", "metrics-a"));
        Assert.Equal(12, metrics.Get("kinesis_get_records_bytes_total", "metrics-a"));
        Assert.Equal(1, metrics.Get("kinesis_get_records_latency_milliseconds_count", "metrics-a"));
        Assert.Equal(1, metrics.Get("kinesis_get_records_iterator_age_milliseconds_count", "metrics-a"));

        Assert.Equal(10, metrics.Get("kinesis_incoming_bytes_total", "metrics-b"));
        Assert.Equal(2, metrics.Get("kinesis_incoming_records_total", "metrics-b"));
        Assert.Equal(10, metrics.Get("kinesis_put_records_bytes_total", "metrics-b"));
        Assert.Equal(2, metrics.Get("kinesis_put_records_total_records_total", "metrics-b"));
        Assert.Equal(2, metrics.Get("kinesis_put_records_successful_records_total", "metrics-b"));
        Assert.Equal(2, metrics.Get("kinesis_put_records_records_total", "metrics-b"));
        Assert.Equal(0, metrics.Get("kinesis_put_records_failed_records_total", "metrics-b"));
        Assert.Equal(0, metrics.Get("kinesis_put_records_throttled_records_total", "metrics-b"));
        Assert.Equal(1, metrics.Get("kinesis_put_records_success_total", "metrics-b"));
        Assert.Equal(1, metrics.Get("kinesis_put_records_latency_milliseconds_count", "metrics-b"));
        Assert.Null(metrics.Get("kinesis_put_record_success_total", "metrics-b"));
        Assert.Empty(metrics.ShardSeries("metrics-a")); // enhanced monitoring is off
        Assert.Empty(metrics.ShardSeries("metrics-b"));
    }

    [Fact]
    public async Task Metrics_FailedPut_CountsLatencyNotSuccess()
    {
        using HttpClient client = ServerFixture.PlainClient();
        await CreateStreamAsync(client, fixture.Plain, "metrics-failed", 1);
        using (HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "PutRecord",
            new JsonObject { ["StreamName"] = "metrics-failed", ["PartitionKey"] = "k", ["Data"] = "AA==", ["ExplicitHashKey"] = "x" }.ToJsonString()))
        using (HttpResponseMessage refused = await client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        PrometheusText metrics = (await ScrapeAsync(client, fixture.Plain));
        Assert.Equal(1, metrics.Get("kinesis_put_record_latency_milliseconds_count", "metrics-failed"));
        Assert.Null(metrics.Get("kinesis_put_record_success_total", "metrics-failed"));
        Assert.Null(metrics.Get("kinesis_incoming_records_total", "metrics-failed"));
    }

    [Fact]
    public async Task Metrics_EnhancedMonitoringOnThenOff_ShardSeriesAppearThenGo()
    {
        using HttpClient client = ServerFixture.PlainClient();
        const string Stream = "metrics-enhanced";
        await CreateStreamAsync(client, fixture.Plain, Stream, 2);
        await PutRecordAsync(client, fixture.Plain, Stream, "before", "k", LowHashKey); // before monitoring: stream level only
        await CallAsync(client, fixture.Plain, "EnableEnhancedMonitoring", new JsonObject { ["StreamName"] = Stream, ["ShardLevelMetrics"] = new JsonArray("ALL") });
        await PutRecordAsync(client, fixture.Plain, Stream, "aa", "k", LowHashKey);   // shard 0: 3 bytes
        await PutRecordAsync(client, fixture.Plain, Stream, "bbbb", "k", HighHashKey); // shard 1: 5 bytes
        await PutRecordAsync(client, fixture.Plain, Stream, "cccc", "k", HighHashKey); // shard 1: 5 bytes
        string iterator = await IteratorAsync(client, fixture.Plain, Stream, Shard1);
        await CallAsync(client, fixture.Plain, "GetRecords", new JsonObject { ["ShardIterator"] = iterator });

        PrometheusText on = (await ScrapeAsync(client, fixture.Plain));
        Assert.Equal(4, on.Get("kinesis_incoming_records_total", Stream));
        Assert.Equal(1, on.Get("kinesis_incoming_records_total", Stream, Shard0));
        Assert.Equal(3, on.Get("kinesis_incoming_bytes_total", Stream, Shard0));
        Assert.Equal(2, on.Get("kinesis_incoming_records_total", Stream, Shard1));
        Assert.Equal(10, on.Get("kinesis_incoming_bytes_total", Stream, Shard1));
        Assert.Equal(2, on.Get("kinesis_outgoing_records_total", Stream, Shard1));
        Assert.Equal(10, on.Get("kinesis_outgoing_bytes_total", Stream, Shard1));
        Assert.Equal(1, on.Get("kinesis_iterator_age_milliseconds_count", Stream, Shard1));
        Assert.Null(on.Get("kinesis_outgoing_records_total", Stream, Shard0)); // never read

        await CallAsync(client, fixture.Plain, "DisableEnhancedMonitoring", new JsonObject
        {
            ["StreamName"] = Stream,
            ["ShardLevelMetrics"] = new JsonArray("OutgoingBytes", "OutgoingRecords", "IteratorAgeMilliseconds", "IncomingBytes"),
        });
        PrometheusText partly = (await ScrapeAsync(client, fixture.Plain));
        Assert.Equal(2, partly.Get("kinesis_incoming_records_total", Stream, Shard1)); // still on
        Assert.Null(partly.Get("kinesis_incoming_bytes_total", Stream, Shard1));
        Assert.Null(partly.Get("kinesis_outgoing_records_total", Stream, Shard1));
        Assert.Null(partly.Get("kinesis_iterator_age_milliseconds_count", Stream, Shard1));

        await CallAsync(client, fixture.Plain, "DisableEnhancedMonitoring", new JsonObject { ["StreamName"] = Stream, ["ShardLevelMetrics"] = new JsonArray("ALL") });
        PrometheusText off = (await ScrapeAsync(client, fixture.Plain));
        Assert.Empty(off.ShardSeries(Stream));
        Assert.Equal(4, off.Get("kinesis_incoming_records_total", Stream)); // stream level stays

        await CallAsync(client, fixture.Plain, "EnableEnhancedMonitoring", new JsonObject { ["StreamName"] = Stream, ["ShardLevelMetrics"] = new JsonArray("IncomingRecords") });
        await PutRecordAsync(client, fixture.Plain, Stream, "dd", "k", HighHashKey);
        PrometheusText again = (await ScrapeAsync(client, fixture.Plain));
        Assert.Equal(1, again.Get("kinesis_incoming_records_total", Stream, Shard1)); // counts from zero
        Assert.Equal([$"kinesis_incoming_records_total{{stream_name=\"{Stream}\",shard_id=\"{Shard1}\"}}"], again.ShardSeries(Stream));
    }

    [Fact]
    public async Task Metrics_DeletedStream_SeriesGoAndARecreatedStreamCountsFromZero()
    {
        using HttpClient client = ServerFixture.PlainClient();
        const string Stream = "metrics-deleted";
        await CreateStreamAsync(client, fixture.Plain, Stream, 1);
        await PutRecordAsync(client, fixture.Plain, Stream, "x", "k");
        await PutRecordAsync(client, fixture.Plain, Stream, "y", "k");
        Assert.Equal(2, (await ScrapeAsync(client, fixture.Plain)).Get("kinesis_incoming_records_total", Stream));

        await CallAsync(client, fixture.Plain, "DeleteStream", new JsonObject { ["StreamName"] = Stream });
        fixture.Server.Engine.ListStreams(); // settles the deletion (no delay in this fixture)
        Assert.False((await ScrapeAsync(client, fixture.Plain)).Mentions(Stream));

        await CreateStreamAsync(client, fixture.Plain, Stream, 1);
        await PutRecordAsync(client, fixture.Plain, Stream, "z", "k");
        Assert.Equal(1, (await ScrapeAsync(client, fixture.Plain)).Get("kinesis_incoming_records_total", Stream));
    }

    [Fact]
    public async Task Metrics_Subscription_CountsSuccessEventsAndRateExceeded()
    {
        using HttpClient client = ServerFixture.PlainClient();
        const string Stream = "metrics-efo";
        await CreateStreamAsync(client, fixture.Plain, Stream, 1);
        string arn = fixture.Server.Engine.DescribeStreamSummary(new StreamRef(Stream, null)).StreamArn;
        string consumer = (await CallAsync(client, fixture.Plain, "RegisterStreamConsumer",
            new JsonObject { ["StreamARN"] = arn, ["ConsumerName"] = "reader" }))["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await CallAsync(client, fixture.Plain, "DescribeStreamConsumer", new JsonObject { ["ConsumerARN"] = consumer }))
            ["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>() != "ACTIVE")
        {
            await Task.Delay(50, timeout.Token);
        }
        await CallAsync(client, fixture.Plain, "EnableEnhancedMonitoring", new JsonObject { ["StreamName"] = Stream, ["ShardLevelMetrics"] = new JsonArray("OutgoingRecords") });
        for (int i = 0; i < 3; i++)
        {
            await PutRecordAsync(client, fixture.Plain, Stream, "abcd", "k"); // 5 bytes each
        }

        var body = new JsonObject { ["ConsumerARN"] = consumer, ["ShardId"] = Shard0, ["StartingPosition"] = new JsonObject { ["Type"] = "TRIM_HORIZON" } };
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "SubscribeToShard", body.ToJsonString());
        using HttpResponseMessage subscription = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, subscription.StatusCode);

        using (HttpRequestMessage again = ServerFixture.Kinesis(fixture.Plain, "SubscribeToShard", body.ToJsonString()))
        using (HttpResponseMessage refused = await client.SendAsync(again, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode); // ResourceInUseException: within 5 s of the first
        }

        // An event is counted once the server has written it and asked for the next one: poll until the records are in.
        PrometheusText metrics;
        do
        {
            await Task.Delay(50, timeout.Token);
            metrics = (await ScrapeAsync(client, fixture.Plain));
        }
        while (metrics.Get("kinesis_subscribe_to_shard_event_records_total", Stream, consumer: "reader") is not 3.0);
        Assert.Equal(15, metrics.Get("kinesis_subscribe_to_shard_event_bytes_total", Stream, consumer: "reader"));
        Assert.Equal(1, metrics.Get("kinesis_subscribe_to_shard_success_total", Stream, consumer: "reader"));
        Assert.Equal(1, metrics.Get("kinesis_subscribe_to_shard_rate_exceeded_total", Stream, consumer: "reader"));
        double events = metrics.Get("kinesis_subscribe_to_shard_event_success_total", Stream, consumer: "reader")!.Value;
        Assert.InRange(events, 1, 3);
        Assert.Equal(events, metrics.Get("kinesis_subscribe_to_shard_event_millis_behind_latest_count", Stream, consumer: "reader"));
        Assert.Equal(3, metrics.Get("kinesis_outgoing_records_total", Stream, Shard0));
        Assert.Null(metrics.Get("kinesis_get_records_success_total", Stream)); // subscriptions are not GetRecords
    }

    [Fact]
    public async Task Metrics_Scrape_EveryLineIsPrometheusText()
    {
        using HttpClient client = ServerFixture.PlainClient();
        await CreateStreamAsync(client, fixture.Plain, "metrics-format", 2);
        await CallAsync(client, fixture.Plain, "EnableEnhancedMonitoring", new JsonObject { ["StreamName"] = "metrics-format", ["ShardLevelMetrics"] = new JsonArray("ALL") });
        await PutRecordAsync(client, fixture.Plain, "metrics-format", "data", "k");
        string iterator = await IteratorAsync(client, fixture.Plain, "metrics-format", Shard0);
        await CallAsync(client, fixture.Plain, "GetRecords", new JsonObject { ["ShardIterator"] = iterator });

        using HttpResponseMessage response = await client.GetAsync(new Uri(fixture.Plain, "/metrics"));
        string text = await response.Content.ReadAsStringAsync();
        PrometheusText metrics = PrometheusText.Parse(text); // throws on any line a scraper would refuse
        Assert.Contains("# TYPE kinesis_put_record_latency_milliseconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE kinesis_incoming_bytes_total counter\n", text, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Samples["kinesis_put_record_latency_milliseconds_bucket{stream_name=\"metrics-format\",le=\"+Inf\"}"]);
        Assert.Equal(1, metrics.Samples["kinesis_iterator_age_milliseconds_bucket{stream_name=\"metrics-format\",shard_id=\"shardId-000000000000\",le=\"+Inf\"}"]);

        using HttpRequestMessage post = new(HttpMethod.Post, new Uri(fixture.Plain, "/metrics"));
        using HttpResponseMessage refused = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        using HttpRequestMessage head = new(HttpMethod.Head, new Uri(fixture.Plain, "/metrics"));
        using HttpResponseMessage headers = await client.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headers.StatusCode);
    }

    [Fact]
    public async Task Metrics_LimitsOn_ThrottledPutsAndReadsAreCounted()
    {
        using var directory = new TempDirectory();
        RunnelServerOptions options = ServerFixture.Options(directory.Path);
        await using RunnelServer server = await RunnelServer.StartAsync(options with { Streams = options.Streams with { LimitsEnabled = true } });
        Uri endpoint = server.PlainEndpoint!;
        using HttpClient client = ServerFixture.PlainClient();
        const string Stream = "metrics-throttled";
        await CreateStreamAsync(client, endpoint, Stream, 1);
        await CallAsync(client, endpoint, "EnableEnhancedMonitoring", new JsonObject
        {
            ["StreamName"] = Stream,
            ["ShardLevelMetrics"] = new JsonArray("WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded"),
        });

        // 2 x 500 records of 4 KiB in quick succession: far over the shard's 1 MiB/s, so some are refused.
        string data = Convert.ToBase64String(new byte[4095]);
        int failed = 0;
        for (int call = 0; call < 2; call++)
        {
            var records = new JsonArray();
            for (int i = 0; i < 500; i++)
            {
                records.Add(new JsonObject { ["Data"] = data, ["PartitionKey"] = "k" });
            }
            JsonNode put = await CallAsync(client, endpoint, "PutRecords", new JsonObject { ["StreamName"] = Stream, ["Records"] = records });
            failed += put["FailedRecordCount"]!.GetValue<int>();
        }
        Assert.True(failed > 0, "the shard's write limit refused nothing");

        // GetRecords: 5 calls per second per shard; call until one is refused.
        int refusedReads = 0;
        string iterator = await IteratorAsync(client, endpoint, Stream, Shard0);
        for (int i = 0; i < 30 && refusedReads == 0; i++)
        {
            using HttpRequestMessage request = ServerFixture.Kinesis(endpoint, "GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 1 }.ToJsonString());
            using HttpResponseMessage response = await client.SendAsync(request);
            JsonNode answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.Equal("ProvisionedThroughputExceededException", answer["__type"]!.GetValue<string>());
                refusedReads++;
            }
            else
            {
                iterator = answer["NextShardIterator"]!.GetValue<string>();
            }
        }
        Assert.Equal(1, refusedReads);

        PrometheusText metrics = (await ScrapeAsync(client, endpoint));
        Assert.Equal(failed, metrics.Get("kinesis_write_provisioned_throughput_exceeded_total", Stream));
        Assert.Equal(failed, metrics.Get("kinesis_write_provisioned_throughput_exceeded_total", Stream, Shard0));
        Assert.Equal(failed, metrics.Get("kinesis_put_records_throttled_records_total", Stream));
        Assert.Equal(0, metrics.Get("kinesis_put_records_failed_records_total", Stream));
        Assert.Equal(1000 - failed, metrics.Get("kinesis_put_records_successful_records_total", Stream));
        Assert.Equal(1000 - failed, metrics.Get("kinesis_incoming_records_total", Stream));
        Assert.Equal(1, metrics.Get("kinesis_read_provisioned_throughput_exceeded_total", Stream));
        Assert.Equal(1, metrics.Get("kinesis_read_provisioned_throughput_exceeded_total", Stream, Shard0));
    }

    private static JsonObject Entry(string data, string key)
        => new() { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)), ["PartitionKey"] = key };

    private static async Task<PrometheusText> ScrapeAsync(HttpClient client, Uri endpoint)
    {
        using HttpResponseMessage response = await client.GetAsync(new Uri(endpoint, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static Task<JsonNode> CreateStreamAsync(HttpClient client, Uri endpoint, string stream, int shards)
        => CallAsync(client, endpoint, "CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = shards });

    private static Task<JsonNode> PutRecordAsync(HttpClient client, Uri endpoint, string stream, string data, string key, string? explicitHashKey = null)
    {
        JsonObject body = Entry(data, key);
        body["StreamName"] = stream;
        if (explicitHashKey is not null)
        {
            body["ExplicitHashKey"] = explicitHashKey;
        }
        return CallAsync(client, endpoint, "PutRecord", body);
    }

    private static async Task<string> IteratorAsync(HttpClient client, Uri endpoint, string stream, string shard)
        => (await CallAsync(client, endpoint, "GetShardIterator", new JsonObject
        {
            ["StreamName"] = stream,
            ["ShardId"] = shard,
            ["ShardIteratorType"] = "TRIM_HORIZON",
        }))["ShardIterator"]!.GetValue<string>();

    private static async Task<JsonNode> CallAsync(HttpClient client, Uri endpoint, string operation, JsonObject body)
    {
        using HttpRequestMessage request = ServerFixture.Kinesis(endpoint, operation, body.ToJsonString());
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}
