using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Tests.Operations;

public sealed class DataOperationTests : IDisposable
{
    private const string Half = "170141183460469231731687303715884105728"; // 2^127

    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Keys(JsonNode? node) => string.Join(",", node!.AsObject().Select(p => p.Key));

    private async Task<string> IteratorAsync(string stream, string shard = "shardId-000000000000", string type = "TRIM_HORIZON")
        => (string)(await _f.RunParsedAsync("GetShardIterator",
            $$"""{"StreamName":"{{stream}}","ShardId":"{{shard}}","ShardIteratorType":"{{type}}"}"""))["ShardIterator"]!;

    [Fact]
    public async Task PutRecord_Record_ReturnsShardSequenceAndEncryption()
    {
        await _f.CreateStreamAsync("p");
        JsonObject response = await _f.RunParsedAsync("PutRecord", """{"StreamName":"p","Data":"aGVsbG8=","PartitionKey":"k"}""");
        Assert.Equal("ShardId,SequenceNumber,EncryptionType", Keys(response));
        Assert.Equal("shardId-000000000000", (string)response["ShardId"]!);
        Assert.Matches("^[1-9][0-9]{55}$", (string)response["SequenceNumber"]!);
        Assert.Equal("NONE", (string)response["EncryptionType"]!);
    }

    [Fact]
    public async Task PutRecord_ExplicitHashKey_RoutesToThatShard()
    {
        await _f.CreateStreamAsync("p", 2);
        JsonObject response = await _f.RunParsedAsync("PutRecord",
            $$"""{"StreamARN":"{{OperationFixture.Arn("p")}}","Data":"","PartitionKey":"k","ExplicitHashKey":"{{Half}}"}""");
        Assert.Equal("shardId-000000000001", (string)response["ShardId"]!);
    }

    [Fact]
    public async Task PutRecord_SequenceNumberForOrdering_GetsAHigherNumber()
    {
        await _f.CreateStreamAsync("p");
        string first = (string)(await _f.RunParsedAsync("PutRecord", """{"StreamName":"p","Data":"AA==","PartitionKey":"k"}"""))["SequenceNumber"]!;
        string second = (string)(await _f.RunParsedAsync("PutRecord",
            $$"""{"StreamName":"p","Data":"AA==","PartitionKey":"k","SequenceNumberForOrdering":"{{first}}"}"""))["SequenceNumber"]!;
        Assert.True(string.CompareOrdinal(second, first) > 0);
    }

    [Fact]
    public async Task PutRecord_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("p");
        Assert.Equal("1 validation error detected: Value null at 'data' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("PutRecord", """{"StreamName":"p","PartitionKey":"k"}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'partitionKey' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("PutRecord", """{"StreamName":"p","Data":"AA=="}""")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync("PutRecord", """{"StreamName":"p","Data":"%%%","PartitionKey":"k"}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("PutRecord", """{"StreamName":"p","Data":12,"PartitionKey":"k"}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("PutRecord", """{"StreamName":"p","Data":"AA==","PartitionKey":1}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("PutRecord", """{"StreamName":"x","Data":"AA==","PartitionKey":"k"}""")).Type);
    }

    [Fact]
    public async Task PutRecords_ThreeRecords_ReturnsThemInOrder()
    {
        await _f.CreateStreamAsync("pr", 2);
        JsonObject response = await _f.RunParsedAsync("PutRecords", $$"""
            {"StreamName":"pr","Records":[
              {"Data":"AQ==","PartitionKey":"a","ExplicitHashKey":"0"},
              {"Data":"Ag==","PartitionKey":"b","ExplicitHashKey":"{{Half}}"},
              {"Data":"Aw==","PartitionKey":"c","ExplicitHashKey":"1"}]}
            """);
        Assert.Equal("FailedRecordCount,Records,EncryptionType", Keys(response));
        Assert.Equal(0, (int)response["FailedRecordCount"]!);
        Assert.Equal("NONE", (string)response["EncryptionType"]!);
        JsonArray records = response["Records"]!.AsArray();
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal("SequenceNumber,ShardId", Keys(r)));
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000000"], records.Select(r => (string)r!["ShardId"]!));
    }

    [Fact]
    public async Task PutRecords_OverShardThroughput_ReportsFailedRecordsInPlace()
    {
        using var f = new OperationFixture(OperationFixture.NoDelays with { LimitsEnabled = true });
        await f.CreateStreamAsync("hot");
        string data = Convert.ToBase64String(new byte[8 * 1024]);
        string records = string.Join(",", Enumerable.Range(0, 500).Select(i => $$"""{"Data":"{{data}}","PartitionKey":"k{{i}}"}"""));
        JsonObject response = await f.RunParsedAsync("PutRecords", $$"""{"StreamName":"hot","Records":[{{records}}]}""");

        int failed = (int)response["FailedRecordCount"]!;
        JsonArray entries = response["Records"]!.AsArray();
        Assert.Equal(500, entries.Count);
        Assert.InRange(failed, 1, 499);
        Assert.Equal(failed, entries.Count(e => e!["ErrorCode"] is not null));
        JsonNode rejected = entries.First(e => e!["ErrorCode"] is not null)!;
        Assert.Equal("ErrorCode,ErrorMessage", Keys(rejected));
        Assert.Equal("ProvisionedThroughputExceededException", (string)rejected["ErrorCode"]!);
    }

    [Fact]
    public async Task PutRecords_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("pr");
        Assert.Equal("1 validation error detected: Value null at 'records' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("PutRecords", """{"StreamName":"pr"}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("PutRecords", """{"StreamName":"pr","Records":[{"Data":"AA==","PartitionKey":"a"},{"Data":"AA=="}]}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'records.1.member.data' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("PutRecords", """{"StreamName":"pr","Records":[{"PartitionKey":"a"}]}""")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync("PutRecords", """{"StreamName":"pr","Records":{"Data":"AA=="}}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("PutRecords", """{"StreamName":"pr","Records":["AA=="]}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("PutRecords", """{"StreamName":"x","Records":[{"Data":"AA==","PartitionKey":"a"}]}""")).Type);
    }

    [Fact]
    public async Task GetShardIterator_EachType_ReturnsAnIterator()
    {
        await _f.CreateStreamAsync("it");
        string seq = (string)(await _f.RunParsedAsync("PutRecord", """{"StreamName":"it","Data":"AA==","PartitionKey":"k"}"""))["SequenceNumber"]!;
        foreach (string request in new[]
        {
            """{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}""",
            """{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}""",
            $$"""{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"{{seq}}"}""",
            $$"""{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"{{seq}}"}""",
            """{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1699999999.5}""",
        })
        {
            JsonObject response = await _f.RunParsedAsync("GetShardIterator", request);
            Assert.Equal("ShardIterator", Keys(response));
            Assert.InRange(((string)response["ShardIterator"]!).Length, 1, 512);
        }
    }

    [Fact]
    public async Task GetShardIterator_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("it");
        Assert.Equal(
            "1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
            (await _f.FailAsync("GetShardIterator", """{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"OLDEST"}""")).Message);
        Assert.Contains("Value null at 'shardId'",
            (await _f.FailAsync("GetShardIterator", """{"StreamName":"it","ShardIteratorType":"LATEST"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'shardIteratorType'",
            (await _f.FailAsync("GetShardIterator", """{"StreamName":"it","ShardId":"shardId-000000000000"}""")).Message, StringComparison.Ordinal);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("GetShardIterator", """{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":[1]}""")).Type);
        Assert.Equal("InvalidArgumentException",
            (await _f.FailAsync("GetShardIterator", """{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("GetShardIterator", """{"StreamName":"x","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}""")).Type);
    }

    [Fact]
    public async Task GetRecords_OpenShard_ReturnsRecordsAndNextIterator()
    {
        await _f.CreateStreamAsync("g");
        await _f.RunAsync("PutRecord", """{"StreamName":"g","Data":"aGVsbG8=","PartitionKey":"k1"}""");
        await _f.RunAsync("PutRecord", """{"StreamName":"g","Data":"d29ybGQ=","PartitionKey":"k2"}""");

        JsonObject response = await _f.RunParsedAsync("GetRecords", $$"""{"ShardIterator":"{{await IteratorAsync("g")}}","Limit":10}""");
        Assert.Equal("Records,NextShardIterator,MillisBehindLatest", Keys(response));
        JsonArray records = response["Records"]!.AsArray();
        Assert.Equal(2, records.Count);
        Assert.Equal("SequenceNumber,ApproximateArrivalTimestamp,Data,PartitionKey", Keys(records[0]));
        Assert.Equal("aGVsbG8=", (string)records[0]!["Data"]!);
        Assert.Equal("k2", (string)records[1]!["PartitionKey"]!);
        Assert.Equal(1_700_000_000d, (double)records[0]!["ApproximateArrivalTimestamp"]!);
        Assert.Equal(0, (long)response["MillisBehindLatest"]!);

        JsonObject next = await _f.RunParsedAsync("GetRecords", $$"""{"ShardIterator":"{{(string)response["NextShardIterator"]!}}"}""");
        Assert.Empty(next["Records"]!.AsArray());
        Assert.NotNull(next["NextShardIterator"]);
    }

    [Fact]
    public async Task GetRecords_EncryptedStream_MarksRecordsKms()
    {
        await _f.CreateStreamAsync("e");
        await _f.RunAsync("StartStreamEncryption", """{"StreamName":"e","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}""");
        JsonObject put = await _f.RunParsedAsync("PutRecord", """{"StreamName":"e","Data":"AA==","PartitionKey":"k"}""");
        Assert.Equal("KMS", (string)put["EncryptionType"]!);

        JsonObject response = await _f.RunParsedAsync("GetRecords", $$"""{"ShardIterator":"{{await IteratorAsync("e")}}"}""");
        Assert.Equal("KMS", (string)response["Records"]![0]!["EncryptionType"]!);
    }

    [Fact]
    public async Task GetRecords_EndOfClosedShard_OmitsIteratorAndListsChildren()
    {
        await _f.CreateStreamAsync("end");
        await _f.RunAsync("PutRecord", """{"StreamName":"end","Data":"AA==","PartitionKey":"k"}""");
        string iterator = await IteratorAsync("end");
        await _f.RunAsync("SplitShard", $$"""{"StreamName":"end","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"{{Half}}"}""");

        JsonObject response;
        int records = 0;
        while (true)
        {
            response = await _f.RunParsedAsync("GetRecords", $$"""{"ShardIterator":"{{iterator}}"}""");
            records += response["Records"]!.AsArray().Count;
            if (response["NextShardIterator"] is not { } next)
            {
                break;
            }
            iterator = (string)next!;
        }
        Assert.Equal(1, records);
        Assert.Equal("Records,MillisBehindLatest,ChildShards", Keys(response));
        JsonArray children = response["ChildShards"]!.AsArray();
        Assert.Equal(2, children.Count);
        Assert.Equal("ShardId,ParentShards,HashKeyRange", Keys(children[0]));
        Assert.Equal(
            """{"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000000"],"HashKeyRange":{"StartingHashKey":"170141183460469231731687303715884105728","EndingHashKey":"340282366920938463463374607431768211455"}}""",
            children[1]!.ToJsonString());
    }

    [Fact]
    public async Task GetRecords_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("g");
        Assert.Equal("1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("GetRecords", "{}")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync("GetRecords", """{"ShardIterator":42}""")).Type);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("GetRecords", $$"""{"ShardIterator":"{{await IteratorAsync("g")}}","Limit":"5"}""")).Type);
        (string type, string message) = await _f.FailAsync("GetRecords", """{"ShardIterator":"AAAAAAAAAAE="}""");
        Assert.Equal("InvalidArgumentException", type);
        Assert.Equal("Invalid ShardIterator.", message);
    }

    [Fact]
    public async Task GetRecords_IteratorOfDeletedStream_IsResourceNotFound()
    {
        await _f.CreateStreamAsync("g");
        string iterator = await IteratorAsync("g");
        await _f.RunAsync("DeleteStream", """{"StreamName":"g"}""");
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("GetRecords", $$"""{"ShardIterator":"{{iterator}}"}""")).Type);
    }

    [Fact]
    public async Task Responses_EncodedAsCbor_CarryIntegersTimestampsAndBlobs()
    {
        await _f.CreateStreamAsync("cbor");
        await _f.ExecuteAsync("PutRecord", """{"StreamName":"cbor","Data":"aGVsbG8=","PartitionKey":"k"}""", WireFormat.Cbor);
        JsonObject records = await _f.ExecuteAsync("GetRecords", $$"""{"ShardIterator":"{{await IteratorAsync("cbor")}}"}""");

        RequestBody decoded = WireCodec.Decode(WireCodec.Encode(records, WireFormat.Cbor), WireFormat.Cbor);
        Assert.Equal(0, decoded.GetInt64("MillisBehindLatest"));
        RequestBody record = decoded.GetObjectList("Records")![0];
        Assert.Equal("hello"u8.ToArray(), record.GetBlob("Data"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), record.GetTimestamp("ApproximateArrivalTimestamp"));

        foreach ((string operation, string json) in new[]
        {
            ("DescribeStream", """{"StreamName":"cbor"}"""),
            ("DescribeStreamSummary", """{"StreamName":"cbor"}"""),
            ("DescribeLimits", "{}"),
            ("ListStreams", "{}"),
            ("PutRecords", """{"StreamName":"cbor","Records":[{"Data":"AA==","PartitionKey":"k"}]}"""),
            ("UpdateShardCount", """{"StreamName":"cbor","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}"""),
        })
        {
            Assert.NotEmpty(WireCodec.Encode(await _f.ExecuteAsync(operation, json), WireFormat.Cbor));
        }
    }
}
