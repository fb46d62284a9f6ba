using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Model;

namespace Runnel.Streams.Tests;

/// <summary>
/// ListShards (kinesis-api.md 2.2): every ShardFilter type on a stream with a resharding history while time
/// advances, ExclusiveStartShardId, and pagination by MaxResults and NextToken.
/// </summary>
/// <remarks>
/// History: at t0 shards 0 [0, 2^127) and 1 [2^127, 2^128); at t0+1h shard 0 splits at 2^126 into 2 and 3; at
/// t0+2h shards 3 and 1 merge into 4. Open now: 2 and 4.
/// </remarks>
public class ListShardsTests
{
    private static readonly StreamRef s_stream = StreamRef.Named("s");
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task ListShards_EachFilterOnAReshardedStream_ReturnsTheShardsTheFilterNames()
    {
        using var fixture = new EngineFixture();
        DateTimeOffset t0 = await BuildHistoryAsync(fixture);
        fixture.Time.Advance(s_hour);

        Assert.Equal([2, 4], List(fixture.Engine, ShardFilterType.AtLatest));
        Assert.Equal([0, 1, 2, 3, 4], List(fixture.Engine, null));
        Assert.Equal([0, 1, 2, 3, 4], List(fixture.Engine, ShardFilterType.FromTrimHorizon));
        Assert.Equal([0, 1], List(fixture.Engine, ShardFilterType.AtTrimHorizon));
        Assert.Equal([1, 2, 3], List(fixture.Engine, ShardFilterType.AtTimestamp, timestamp: t0 + (1.5 * s_hour)));
        Assert.Equal([0, 1], List(fixture.Engine, ShardFilterType.AtTimestamp, timestamp: t0 + (0.5 * s_hour)));
        Assert.Equal([2, 4], List(fixture.Engine, ShardFilterType.AtTimestamp, timestamp: t0 + (2.5 * s_hour)));
        Assert.Equal([1, 2, 3, 4], List(fixture.Engine, ShardFilterType.FromTimestamp, timestamp: t0 + (1.5 * s_hour)));
        Assert.Equal([0, 1, 2, 3, 4], List(fixture.Engine, ShardFilterType.FromTimestamp, timestamp: t0 - s_hour));
        Assert.Equal([2, 4], List(fixture.Engine, ShardFilterType.FromTimestamp, timestamp: t0 + (2.5 * s_hour)));
        Assert.Equal([2, 3, 4], List(fixture.Engine, ShardFilterType.AfterShardId, shardId: "shardId-000000000001"));
        Assert.Equal([3, 4], List(fixture.Engine, null, exclusiveStart: "shardId-000000000002"));
        Assert.Equal([4], List(fixture.Engine, ShardFilterType.AtLatest, exclusiveStart: "shardId-000000000002"));

        // Lineage and sequence ranges as listed.
        List<ShardDescription> all = [.. fixture.Engine.ListShards(new ListShardsRequest(s_stream)).Shards];
        Assert.Equal([null, null, new ShardId(0), new ShardId(0), new ShardId(3)], all.Select(s => s.ParentShardId));
        Assert.Equal(new ShardId(1), all[4].AdjacentParentShardId);
        Assert.Equal([true, true, false, true, false], all.Select(s => s.EndingSequenceNumber is not null));

        // A day after the split, shard 0 (closed at t0+1h) has expired; the trim horizon moved past t0+1h.
        fixture.Time.Advance(TimeSpan.FromHours(22) + TimeSpan.FromMinutes(1));
        Assert.Equal([1, 2, 3, 4], List(fixture.Engine, ShardFilterType.FromTrimHorizon));
        Assert.Equal([1, 2, 3], List(fixture.Engine, ShardFilterType.AtTrimHorizon));
        Assert.Equal([1, 2, 3, 4], List(fixture.Engine, ShardFilterType.FromTimestamp, timestamp: t0));
        Assert.Equal([2, 4], List(fixture.Engine, ShardFilterType.AtLatest));
    }

    [Property(MaxTest = 30)]
    public Property ListShards_PagedByMaxResultsAndNextToken_ListsEveryShardExactlyOnceInOrder()
        => Prop.ForAll(Gen.Choose(1, 8).SelectMany(max => Gen.Choose(0, 5).Select(filter => (max, filter))).ToArbitrary(), input =>
        {
            using var fixture = new EngineFixture();
            BuildHistoryAsync(fixture).GetAwaiter().GetResult();
            fixture.Engine.UpdateShardCountAsync(s_stream, 4).GetAwaiter().GetResult();
            fixture.Time.Advance(s_hour);
            var filter = (ShardFilterType)input.filter;
            DateTimeOffset? timestamp = filter is ShardFilterType.AtTimestamp or ShardFilterType.FromTimestamp
                ? fixture.Time.GetUtcNow() - (2 * s_hour)
                : null;
            string? shardId = filter == ShardFilterType.AfterShardId ? "shardId-000000000001" : null;
            List<int> expected = List(fixture.Engine, filter, shardId, timestamp);

            var paged = new List<int>();
            ListShardsResult page = fixture.Engine.ListShards(new ListShardsRequest(s_stream, MaxResults: input.max,
                FilterType: filter, FilterShardId: shardId, FilterTimestamp: timestamp));
            while (true)
            {
                Assert.InRange(page.Shards.Count, 0, input.max);
                paged.AddRange(page.Shards.Select(s => s.ShardId.Value));
                if (page.NextToken is null)
                {
                    break;
                }
                Assert.Equal(input.max, page.Shards.Count);
                fixture.Time.Advance(TimeSpan.FromSeconds(10));
                page = fixture.Engine.ListShards(new ListShardsRequest(default, NextToken: page.NextToken, MaxResults: input.max));
            }
            Assert.Equal(expected, paged);
            Assert.Equal(paged.Count, paged.Distinct().Count());
            return true;
        });

    /// <summary>Builds the history in the remarks; returns t0.</summary>
    private static async Task<DateTimeOffset> BuildHistoryAsync(EngineFixture fixture)
    {
        StreamEngine engine = fixture.Engine;
        DateTimeOffset t0 = fixture.Time.GetUtcNow();
        engine.CreateStream("s", shardCount: 2);
        fixture.Time.Advance(s_hour);
        await engine.SplitShardAsync(s_stream, "shardId-000000000000", (UInt128.One << 126).ToString());
        fixture.Time.Advance(s_hour);
        await engine.MergeShardsAsync(s_stream, "shardId-000000000003", "shardId-000000000001");
        return t0;
    }

    private static List<int> List(StreamEngine engine, ShardFilterType? filter, string? shardId = null, DateTimeOffset? timestamp = null, string? exclusiveStart = null)
        => [.. engine.ListShards(new ListShardsRequest(s_stream, ExclusiveStartShardId: exclusiveStart, FilterType: filter,
            FilterShardId: shardId, FilterTimestamp: timestamp)).Shards.Select(s => s.ShardId.Value)];
}
