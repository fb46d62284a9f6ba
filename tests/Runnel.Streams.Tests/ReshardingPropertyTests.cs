using System.Numerics;
using FsCheck.Xunit;
using Runnel.Model;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

/// <summary>
/// Resharding properties: after any sequence of splits, merges and shard-count updates (with restarts and puts in
/// between), the open shards partition 0..2^128-1 exactly, every closed shard's range is covered by its
/// children, and a reader that drains parents before children sees every acknowledged record exactly once, in
/// per-partition-key order.
/// </summary>
public class ReshardingPropertyTests
{
    private static readonly StreamRef s_stream = StreamRef.Named("s");

    [Property(MaxTest = 60)]
    public bool Reshard_AnySequence_OpenShardsPartitionKeySpaceAndReadersSeeEveryRecordInKeyOrder((byte Kind, ushort A, ushort B)[] steps)
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with { ShardLimit = 200 }, faultInjecting: true);
        fixture.Engine.CreateStream("s", shardCount: 1 + (steps.Length % 3));
        var acknowledged = new Dictionary<string, List<string>>(); // partition key -> data in put order
        int putNumber = 0;
        foreach ((byte kind, ushort a, ushort b) in steps.Take(25))
        {
            StreamEngine engine = fixture.Engine;
            List<ShardDescription> open = OpenShards(engine);
            try
            {
                switch (kind % 6)
                {
                    case 0:
                    case 1:
                        for (int i = 0; i < 1 + (a % 20); i++)
                        {
                            string key = "key-" + ((a + i) % 7);
                            string data = $"r{putNumber++}";
                            engine.PutRecordAsync(s_stream, System.Text.Encoding.UTF8.GetBytes(data), key).AsTask().GetAwaiter().GetResult();
                            (acknowledged.TryGetValue(key, out List<string>? list) ? list : acknowledged[key] = []).Add(data);
                        }
                        break;
                    case 2:
                        ShardDescription victim = open[a % open.Count];
                        BigInteger width = (BigInteger)victim.HashKeyRange.End.Value - (BigInteger)victim.HashKeyRange.Start.Value;
                        if (width < 4)
                        {
                            break;
                        }
                        BigInteger offset = 2 + (width - 3) * b / ushort.MaxValue;
                        var key2 = (UInt128)((BigInteger)victim.HashKeyRange.Start.Value + offset);
                        engine.SplitShardAsync(s_stream, victim.ShardId.ToString(), key2.ToString()).GetAwaiter().GetResult();
                        break;
                    case 3:
                        if (open.Count < 2)
                        {
                            break;
                        }
                        int i2 = a % (open.Count - 1);
                        engine.MergeShardsAsync(s_stream, open[i2 + (b % 2)].ShardId.ToString(), open[i2 + 1 - (b % 2)].ShardId.ToString()).GetAwaiter().GetResult();
                        break;
                    case 4:
                        int target = Math.Clamp((open.Count / 2) + (a % (open.Count + open.Count / 2 + 1)), (open.Count + 1) / 2, Math.Min(open.Count * 2, 40));
                        if (target != open.Count)
                        {
                            engine.UpdateShardCountAsync(s_stream, target).GetAwaiter().GetResult();
                        }
                        break;
                    case 5:
                        if (a % 2 == 0)
                        {
                            fixture.Restart();
                        }
                        else
                        {
                            fixture.PowerLossAndRestart(b);
                        }
                        break;
                }
            }
            catch (KinesisException e) when (e.Code == KinesisErrorCode.LimitExceeded)
            {
                // ten UpdateShardCount calls a day: a legal refusal
            }
            CheckPartition(fixture.Engine);
        }
        return CheckReaders(fixture.Engine, acknowledged);
    }

    private static List<ShardDescription> OpenShards(StreamEngine engine)
        => [.. engine.ListShards(new ListShardsRequest(s_stream, FilterType: ShardFilterType.AtLatest, MaxResults: 10000)).Shards
            .OrderBy(s => s.HashKeyRange.Start)];

    private static void CheckPartition(StreamEngine engine)
    {
        List<ShardDescription> open = OpenShards(engine);
        Assert.Equal(UInt128.Zero, open[0].HashKeyRange.Start.Value);
        Assert.Equal(UInt128.MaxValue, open[^1].HashKeyRange.End.Value);
        for (int i = 1; i < open.Count; i++)
        {
            Assert.Equal(open[i - 1].HashKeyRange.End.Value + 1, open[i].HashKeyRange.Start.Value);
        }

        List<ShardDescription> all = [.. engine.ListShards(new ListShardsRequest(s_stream, MaxResults: 10000)).Shards];
        foreach (ShardDescription closed in all.Where(s => s.EndingSequenceNumber is not null))
        {
            List<ShardDescription> children = [.. all.Where(c => c.ParentShardId == closed.ShardId || c.AdjacentParentShardId == closed.ShardId)];
            Assert.NotEmpty(children);
            foreach (ShardDescription child in children)
            {
                Assert.True(child.ParentShardId is not null);
            }
            // The children together cover the parent's range.
            UInt128 cursor = closed.HashKeyRange.Start.Value;
            foreach (ShardDescription child in children.OrderBy(c => c.HashKeyRange.Start))
            {
                if (child.HashKeyRange.Start.Value > cursor)
                {
                    Assert.Fail($"{closed.ShardId} range not covered at {cursor}");
                }
                if (child.HashKeyRange.End.Value >= closed.HashKeyRange.End.Value)
                {
                    cursor = closed.HashKeyRange.End.Value;
                    break;
                }
                cursor = UInt128.Max(cursor, child.HashKeyRange.End.Value + 1);
            }
            Assert.Equal(closed.HashKeyRange.End.Value, cursor);
        }
    }

    /// <summary>Reads every shard, parents before children (as KCL does), and checks per-key order.</summary>
    private static bool CheckReaders(StreamEngine engine, Dictionary<string, List<string>> acknowledged)
    {
        List<ShardDescription> all = [.. engine.ListShards(new ListShardsRequest(s_stream, MaxResults: 10000)).Shards];
        var done = new HashSet<ShardId>();
        var seen = new Dictionary<string, List<string>>();
        while (done.Count < all.Count)
        {
            bool progressed = false;
            foreach (ShardDescription shard in all)
            {
                if (done.Contains(shard.ShardId)
                    || (shard.ParentShardId is { } p && all.Exists(s => s.ShardId == p) && !done.Contains(p))
                    || (shard.AdjacentParentShardId is { } q && all.Exists(s => s.ShardId == q) && !done.Contains(q)))
                {
                    continue;
                }
                string? iterator = engine.GetShardIterator(s_stream, shard.ShardId.ToString(), ShardIteratorType.TrimHorizon);
                while (iterator is not null)
                {
                    GetRecordsResult result = engine.GetRecords(iterator);
                    foreach (KinesisRecord record in result.Records)
                    {
                        (seen.TryGetValue(record.PartitionKey, out List<string>? list) ? list : seen[record.PartitionKey] = [])
                            .Add(System.Text.Encoding.UTF8.GetString(record.Data));
                    }
                    iterator = result.Records.Count == 0 && shard.EndingSequenceNumber is null ? null : result.NextShardIterator;
                }
                done.Add(shard.ShardId);
                progressed = true;
            }
            Assert.True(progressed, "lineage has a cycle or a missing parent");
        }
        foreach ((string key, List<string> expected) in acknowledged)
        {
            Assert.True(seen.TryGetValue(key, out List<string>? got), $"key {key} lost");
            Assert.Equal(expected, got);
        }
        Assert.Equal(acknowledged.Sum(k => k.Value.Count), seen.Sum(k => k.Value.Count));
        return true;
    }
}
