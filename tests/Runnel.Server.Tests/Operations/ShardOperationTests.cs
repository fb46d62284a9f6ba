using System.Text.Json.Nodes;

namespace Runnel.Server.Tests.Operations;

public sealed class ShardOperationTests : IDisposable
{
    private const string Half = "170141183460469231731687303715884105728"; // 2^127

    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Keys(JsonNode? node) => string.Join(",", node!.AsObject().Select(p => p.Key));

    [Fact]
    public async Task ListShards_TwoShards_ListsBothWithTheShardShape()
    {
        await _f.CreateStreamAsync("ls", 2);
        JsonObject response = await _f.RunParsedAsync("ListShards", """{"StreamName":"ls"}""");
        Assert.Equal("Shards", Keys(response));
        JsonArray shards = response["Shards"]!.AsArray();
        Assert.Equal(2, shards.Count);
        Assert.Equal("ShardId,HashKeyRange,SequenceNumberRange", Keys(shards[1]));
        Assert.Equal(Half, (string)shards[1]!["HashKeyRange"]!["StartingHashKey"]!);
    }

    [Fact]
    public async Task ListShards_MaxResults_PagesWithNextToken()
    {
        await _f.CreateStreamAsync("ls", 2);
        JsonObject first = await _f.RunParsedAsync("ListShards", $$"""{"StreamARN":"{{OperationFixture.Arn("ls")}}","MaxResults":1}""");
        Assert.Equal("Shards,NextToken", Keys(first));
        JsonObject second = await _f.RunParsedAsync("ListShards", $$"""{"NextToken":"{{(string)first["NextToken"]!}}"}""");
        Assert.Equal("shardId-000000000001", (string)second["Shards"]![0]!["ShardId"]!);
        Assert.Equal("InvalidArgumentException",
            (await _f.FailAsync("ListShards", $$"""{"StreamName":"ls","NextToken":"{{(string)first["NextToken"]!}}"}""")).Type);
    }

    [Fact]
    public async Task ListShards_AtLatestFilterAfterSplit_ListsOnlyOpenShards()
    {
        await _f.CreateStreamAsync("f");
        await _f.RunAsync("SplitShard", $$"""{"StreamName":"f","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"{{Half}}"}""");
        JsonObject all = await _f.RunParsedAsync("ListShards", """{"StreamName":"f"}""");
        Assert.Equal(3, all["Shards"]!.AsArray().Count);
        JsonObject open = await _f.RunParsedAsync("ListShards", """{"StreamName":"f","ShardFilter":{"Type":"AT_LATEST"}}""");
        Assert.Equal("""["shardId-000000000001","shardId-000000000002"]""",
            new JsonArray([.. open["Shards"]!.AsArray().Select(s => (JsonNode)(string)s!["ShardId"]!)]).ToJsonString());
    }

    [Fact]
    public async Task ListShards_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("ls");
        Assert.Equal(
            "1 validation error detected: Value 'LATEST' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]",
            (await _f.FailAsync("ListShards", """{"StreamName":"ls","ShardFilter":{"Type":"LATEST"}}""")).Message);
        Assert.Contains("Value null at 'shardFilter.type'",
            (await _f.FailAsync("ListShards", """{"StreamName":"ls","ShardFilter":{}}""")).Message, StringComparison.Ordinal);
        Assert.Equal("SerializationException", (await _f.FailAsync("ListShards", """{"StreamName":"ls","MaxResults":"1"}""")).Type);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("ListShards", """{"StreamName":"ls","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":true}}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("ListShards", """{"StreamName":"x"}""")).Type);
    }

    [Fact]
    public async Task ListShards_AtTimestampFilter_AcceptsEpochSeconds()
    {
        await _f.CreateStreamAsync("ts");
        JsonObject response = await _f.RunParsedAsync("ListShards", """{"StreamName":"ts","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1700000000.5}}""");
        Assert.Single(response["Shards"]!.AsArray());
    }

    [Fact]
    public async Task SplitShard_Middle_ClosesParentAndOpensTwoChildren()
    {
        await _f.CreateStreamAsync("sp");
        Assert.Equal("", await _f.RunAsync("SplitShard",
            $$"""{"StreamName":"sp","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"{{Half}}"}"""));

        JsonArray shards = (await _f.RunParsedAsync("DescribeStream", """{"StreamName":"sp"}"""))["StreamDescription"]!["Shards"]!.AsArray();
        Assert.Equal(3, shards.Count);
        Assert.Equal("StartingSequenceNumber,EndingSequenceNumber", Keys(shards[0]!["SequenceNumberRange"]));
        Assert.Equal("ShardId,ParentShardId,HashKeyRange,SequenceNumberRange", Keys(shards[1]));
        Assert.Equal("shardId-000000000000", (string)shards[1]!["ParentShardId"]!);
        Assert.Equal(
            """{"StartingHashKey":"0","EndingHashKey":"170141183460469231731687303715884105727"}""",
            shards[1]!["HashKeyRange"]!.ToJsonString());
    }

    [Fact]
    public async Task SplitShard_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("sp");
        Assert.Contains("Value null at 'newStartingHashKey'",
            (await _f.FailAsync("SplitShard", """{"StreamName":"sp","ShardToSplit":"shardId-000000000000"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'shardToSplit'",
            (await _f.FailAsync("SplitShard", $$"""{"StreamName":"sp","NewStartingHashKey":"{{Half}}"}""")).Message, StringComparison.Ordinal);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("SplitShard", """{"StreamName":"sp","ShardToSplit":"shardId-000000000000","NewStartingHashKey":5}""")).Type);
        Assert.Equal("InvalidArgumentException",
            (await _f.FailAsync("SplitShard", """{"StreamName":"sp","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("SplitShard", $$"""{"StreamName":"x","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"{{Half}}"}""")).Type);
    }

    [Fact]
    public async Task MergeShards_Adjacent_OpensOneChildWithBothParents()
    {
        await _f.CreateStreamAsync("mg", 2);
        Assert.Equal("", await _f.RunAsync("MergeShards",
            """{"StreamName":"mg","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}"""));

        JsonNode child = (await _f.RunParsedAsync("DescribeStream", """{"StreamName":"mg"}"""))["StreamDescription"]!["Shards"]![2]!;
        Assert.Equal("ShardId,ParentShardId,AdjacentParentShardId,HashKeyRange,SequenceNumberRange", Keys(child));
        Assert.Equal("shardId-000000000000", (string)child["ParentShardId"]!);
        Assert.Equal("shardId-000000000001", (string)child["AdjacentParentShardId"]!);
        Assert.Equal("""{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"}""", child["HashKeyRange"]!.ToJsonString());
    }

    [Fact]
    public async Task MergeShards_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("mg", 2);
        Assert.Contains("Value null at 'adjacentShardToMerge'",
            (await _f.FailAsync("MergeShards", """{"StreamName":"mg","ShardToMerge":"shardId-000000000000"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'shardToMerge'",
            (await _f.FailAsync("MergeShards", """{"StreamName":"mg","AdjacentShardToMerge":"shardId-000000000001"}""")).Message, StringComparison.Ordinal);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("MergeShards", """{"StreamName":"mg","ShardToMerge":0,"AdjacentShardToMerge":"shardId-000000000001"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("MergeShards", """{"StreamName":"x","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}""")).Type);
    }
}
