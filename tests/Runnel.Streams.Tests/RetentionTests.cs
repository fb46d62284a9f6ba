using System.Text;
using Runnel.Model;

namespace Runnel.Streams.Tests;

/// <summary>
/// Retention (kinesis-api.md 2.1, 3.7, 6): increase and decrease, records older than the retention never returned,
/// expired data never coming back, closed shards whose close is older than the retention gone from listings.
/// </summary>
public class RetentionTests
{
    private static readonly StreamRef s_stream = StreamRef.Named("s");
    private static readonly TimeSpan s_day = TimeSpan.FromHours(24);

    [Fact]
    public async Task GetRecords_RecordOlderThanRetention_IsNeverReturned()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        PutRecordResult old = await engine.PutRecordAsync(s_stream, "old"u8.ToArray(), "k");
        fixture.Time.Advance(TimeSpan.FromHours(12));
        await engine.PutRecordAsync(s_stream, "new"u8.ToArray(), "k");
        fixture.Time.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMilliseconds(1));

        Assert.Equal(["new"], ReadAll(engine, ShardIteratorType.TrimHorizon));
        await engine.RunMaintenanceAsync();
        Assert.Equal(["new"], ReadAll(engine, ShardIteratorType.TrimHorizon));
        Assert.Equal(["new"], ReadAll(engine, ShardIteratorType.AtSequenceNumber, old.SequenceNumber.ToString()));
        Assert.Equal(["new"], ReadAll(engine, ShardIteratorType.AtTimestamp, timestamp: fixture.Time.GetUtcNow() - TimeSpan.FromDays(3)));

        fixture.Time.Advance(TimeSpan.FromHours(12));
        await engine.RunMaintenanceAsync();
        Assert.Empty(ReadAll(engine, ShardIteratorType.TrimHorizon));
    }

    [Fact]
    public async Task IncreaseStreamRetentionPeriod_BeforeExpiry_KeepsRecordsLonger()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        await engine.PutRecordAsync(s_stream, "a"u8.ToArray(), "k");
        engine.IncreaseStreamRetentionPeriod(s_stream, 48);
        Assert.Equal(48, engine.DescribeStream(s_stream).RetentionPeriodHours);
        fixture.Time.Advance(TimeSpan.FromHours(30));
        await engine.RunMaintenanceAsync();
        Assert.Equal(["a"], ReadAll(engine, ShardIteratorType.TrimHorizon));
        fixture.Time.Advance(TimeSpan.FromHours(18) + TimeSpan.FromMilliseconds(1));
        await engine.RunMaintenanceAsync();
        Assert.Empty(ReadAll(engine, ShardIteratorType.TrimHorizon));
    }

    [Fact]
    public async Task DecreaseStreamRetentionPeriod_RecordsOlderThanTheNewPeriod_BecomeUnreadableAtOnce()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        engine.IncreaseStreamRetentionPeriod(s_stream, 72);
        await engine.PutRecordAsync(s_stream, "old"u8.ToArray(), "k");
        fixture.Time.Advance(TimeSpan.FromHours(30));
        await engine.PutRecordAsync(s_stream, "new"u8.ToArray(), "k");
        Assert.Equal(["old", "new"], ReadAll(engine, ShardIteratorType.TrimHorizon));

        engine.DecreaseStreamRetentionPeriod(s_stream, 24);
        Assert.Equal(24, engine.DescribeStreamSummary(s_stream).RetentionPeriodHours);
        Assert.Equal(["new"], ReadAll(engine, ShardIteratorType.TrimHorizon));
        await engine.RunMaintenanceAsync();
        Assert.Equal(["new"], ReadAll(engine, ShardIteratorType.TrimHorizon));
    }

    /// <summary>kinesis-api.md 2.1: "Expired data does not come back" after IncreaseStreamRetentionPeriod.</summary>
    [Fact]
    public async Task IncreaseStreamRetentionPeriod_AfterExpiry_ExpiredRecordsDoNotComeBack()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        await engine.PutRecordAsync(s_stream, "expired"u8.ToArray(), "k");
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await engine.PutRecordAsync(s_stream, "kept"u8.ToArray(), "k"); // same segment as the expired one
        fixture.Time.Advance(s_day);
        await engine.RunMaintenanceAsync();
        Assert.Equal(["kept"], ReadAll(engine, ShardIteratorType.TrimHorizon));

        engine.IncreaseStreamRetentionPeriod(s_stream, 168);
        Assert.Equal(["kept"], ReadAll(engine, ShardIteratorType.TrimHorizon));
        fixture.Restart();
        Assert.Equal(["kept"], ReadAll(fixture.Engine, ShardIteratorType.TrimHorizon));
    }

    [Fact]
    public async Task ListShards_ClosedShardWhoseCloseIsOlderThanRetention_IsNoLongerListed()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        await engine.PutRecordAsync(s_stream, "parent"u8.ToArray(), "k");
        await engine.SplitShardAsync(s_stream, "shardId-000000000000", (UInt128.MaxValue / 2).ToString());
        fixture.Time.Advance(TimeSpan.FromHours(23));
        await engine.RunMaintenanceAsync();
        Assert.Equal(3, engine.ListShards(new ListShardsRequest(s_stream)).Shards.Count);

        fixture.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(1));
        // Without maintenance the expired parent is already not listed ("never lists expired shards")...
        Assert.Equal([1, 2], engine.ListShards(new ListShardsRequest(s_stream)).Shards.Select(s => s.ShardId.Value));
        Assert.Equal([1, 2], engine.DescribeStream(s_stream).Shards.Select(s => s.ShardId.Value));
        // ...and after it the shard is gone for good (a restart does not bring it back).
        await engine.RunMaintenanceAsync();
        fixture.Restart();
        Assert.Equal([1, 2], fixture.Engine.ListShards(new ListShardsRequest(s_stream)).Shards.Select(s => s.ShardId.Value));
        Assert.Equal([1, 2], fixture.Engine.DescribeStream(s_stream).Shards.Select(s => s.ShardId.Value));
        ShardDescription child = fixture.Engine.ListShards(new ListShardsRequest(s_stream)).Shards[0];
        Assert.Equal(new ShardId(0), child.ParentShardId);
    }

    private static List<string> ReadAll(StreamEngine engine, ShardIteratorType type, string? sequence = null, DateTimeOffset? timestamp = null)
    {
        var result = new List<string>();
        string? iterator = engine.GetShardIterator(s_stream, "shardId-000000000000", type, sequence, timestamp);
        while (iterator is not null)
        {
            GetRecordsResult read = engine.GetRecords(iterator);
            result.AddRange(read.Records.Select(r => Encoding.UTF8.GetString(r.Data)));
            iterator = read.Records.Count == 0 ? null : read.NextShardIterator;
        }
        return result;
    }
}
