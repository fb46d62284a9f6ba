namespace Runnel.Streams.Tests;

/// <summary>
/// A closed shard holds no append ring (1 MiB each): a stream resharded for days must not keep one per parent
/// (the 30-minute soak grew 1 MiB per shard ever created before this).
/// </summary>
public class ClosedShardMemoryTests
{
    private static readonly StreamRef s_stream = StreamRef.Named("s");

    [Fact]
    public async Task SplitAndMerge_ParentsClosed_ParentsHoldNoAppendBufferAndStayReadable()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 2);
        for (int i = 0; i < 50; i++)
        {
            await engine.PutRecordAsync(s_stream, BitConverter.GetBytes(i), $"key-{i}");
        }
        Assert.Equal([0, 1], engine.ShardsHoldingAppendBuffers("s"));

        await engine.SplitShardAsync(s_stream, "shardId-000000000000", (UInt128.One << 126).ToString());
        await engine.MergeShardsAsync(s_stream, "shardId-000000000003", "shardId-000000000001");
        for (int i = 50; i < 100; i++)
        {
            await engine.PutRecordAsync(s_stream, BitConverter.GetBytes(i), $"key-{i}");
        }

        // Shards 0, 1 and 3 are closed; 2 and 4 are open and took the later puts.
        SpinWait.SpinUntil(() => engine.ShardsHoldingAppendBuffers("s").Count == 2, TimeSpan.FromSeconds(30));
        Assert.Equal([2, 4], engine.ShardsHoldingAppendBuffers("s"));
        Assert.Equal(100, ReadAll(engine).Count);
    }

    [Fact]
    public async Task Restart_ClosedShards_OpenWithoutAppendBuffers()
    {
        using var fixture = new EngineFixture();
        fixture.Engine.CreateStream("s", shardCount: 2);
        await fixture.Engine.PutRecordAsync(s_stream, "a"u8.ToArray(), "k");
        await fixture.Engine.UpdateShardCountAsync(s_stream, 4);

        fixture.Restart();

        Assert.Empty(fixture.Engine.ShardsHoldingAppendBuffers("s")); // nothing appended since the restart
        await fixture.Engine.PutRecordAsync(s_stream, "b"u8.ToArray(), "k");
        Assert.Single(fixture.Engine.ShardsHoldingAppendBuffers("s"));
        Assert.Equal(2, ReadAll(fixture.Engine).Count);
    }

    private static List<KinesisRecord> ReadAll(StreamEngine engine)
    {
        var records = new List<KinesisRecord>();
        foreach (ShardDescription shard in engine.ListShards(new ListShardsRequest(s_stream)).Shards)
        {
            string iterator = engine.GetShardIterator(s_stream, shard.ShardId.ToString(), ShardIteratorType.TrimHorizon);
            GetRecordsResult page = engine.GetRecords(iterator);
            records.AddRange(page.Records);
        }
        return records;
    }
}
