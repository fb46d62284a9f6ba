using System.Text;
using Runnel.Model;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

public class StreamEngineDataTests
{
    private static readonly StreamRef s_orders = StreamRef.Named("orders");

    [Fact]
    public async Task PutRecord_ThenGetRecords_ReturnsTheRecordWithItsSequenceNumber()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("orders", shardCount: 3);
        PutRecordResult put = await engine.PutRecordAsync(s_orders, "hello"u8.ToArray(), "customer-42");
        HashKey hash = PartitionKeyHasher.Hash("customer-42");
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(3);
        Assert.Equal(Array.FindIndex(ranges, r => r.Contains(hash)), put.ShardId.Value);
        Assert.Equal(56, put.SequenceNumber.ToString().Length);

        string iterator = engine.GetShardIterator(s_orders, put.ShardId.ToString(), ShardIteratorType.TrimHorizon);
        GetRecordsResult result = engine.GetRecords(iterator);
        KinesisRecord record = Assert.Single(result.Records);
        Assert.Equal(put.SequenceNumber, record.SequenceNumber);
        Assert.Equal("hello", Encoding.UTF8.GetString(record.Data));
        Assert.Equal("customer-42", record.PartitionKey);
        Assert.NotNull(result.NextShardIterator);
        Assert.Equal(0, result.MillisBehindLatest);
    }

    [Fact]
    public async Task SplitShard_ThenReadParentToEnd_ReturnsChildrenAndNoIterator()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("orders", shardCount: 1);
        await engine.PutRecordAsync(s_orders, "a"u8.ToArray(), "k");
        await engine.SplitShardAsync(s_orders, "shardId-000000000000", "170141183460469231731687303715884105728");
        PutRecordResult after = await engine.PutRecordAsync(s_orders, "b"u8.ToArray(), "k");
        Assert.NotEqual(0, after.ShardId.Value);

        string iterator = engine.GetShardIterator(s_orders, "shardId-000000000000", ShardIteratorType.TrimHorizon);
        GetRecordsResult first = engine.GetRecords(iterator);
        Assert.Single(first.Records);
        Assert.Null(first.NextShardIterator);
        Assert.NotNull(first.ChildShards);
        Assert.Equal(2, first.ChildShards!.Count);
        Assert.All(first.ChildShards, c => Assert.Equal([new ShardId(0)], c.ParentShards));

        StreamDescription description = engine.DescribeStream(s_orders);
        Assert.Equal(3, description.Shards.Count);
        Assert.NotNull(description.Shards[0].EndingSequenceNumber);
        Assert.Null(description.Shards[1].EndingSequenceNumber);
    }

    [Fact]
    public async Task UpdateShardCount_OneToFourToThree_EndsWithUniformOpenShards()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("orders", shardCount: 2);
        await engine.UpdateShardCountAsync(s_orders, 4);
        await engine.UpdateShardCountAsync(s_orders, 3);
        ListShardsResult open = engine.ListShards(new ListShardsRequest(s_orders, FilterType: ShardFilterType.AtLatest));
        Assert.Equal(HashKeyRange.SplitEvenly(3), open.Shards.Select(s => s.HashKeyRange));
    }

    [Fact]
    public void GetShardIterator_UnknownStream_ThrowsResourceNotFound()
    {
        using var fixture = new EngineFixture();
        KinesisException e = Assert.Throws<KinesisException>(() =>
            fixture.Engine.GetShardIterator(s_orders, "shardId-000000000000", ShardIteratorType.Latest));
        Assert.Equal("ResourceNotFoundException", e.ErrorType);
        Assert.Equal("Stream orders under account 000000000000 not found.", e.Message);
    }
}
