using System.Text.Json;
using Runnel.Harness.CompareLog;
using Runnel.Storage.Io;
using Runnel.Storage.IoUring;
using Runnel.Storage.Log;

namespace Runnel.Harness.Tests;

/// <summary>shard-scaling's accounting: the producer-to-shard plan, the per-point arithmetic, the JSON, the sync count.</summary>
public class ShardScalingTests
{
    [Theory]
    [InlineData(64, 1)]
    [InlineData(64, 16)]
    [InlineData(64, 256)]
    [InlineData(64, 1024)]
    [InlineData(7, 10)]
    public void ShardFor_EveryProducerRound_CoversEveryShardAndNoSharingBeyondProducers(int producers, int shards)
    {
        var seen = new HashSet<int>();
        int rounds = (shards / producers) + 1;
        for (int round = 0; round < rounds; round++)
        {
            var thisRound = new HashSet<int>();
            for (int p = 0; p < producers; p++)
            {
                int shard = ShardScaling.ShardFor(p, round, producers, shards);
                Assert.InRange(shard, 0, shards - 1);
                seen.Add(shard);
                thisRound.Add(shard);
            }
            // With at least as many shards as producers, no two producers write to one shard in the same round.
            Assert.Equal(Math.Min(producers, shards), thisRound.Count);
        }
        Assert.Equal(shards, seen.Count);
    }

    [Fact]
    public void Point_KnownCounts_DerivesRatesAndCommitSizes()
    {
        var point = new ShardScalingPoint(Shards: 16, Producers: 64, Records: 20_000, Seconds: 4, Syncs: 5_000, P50Microseconds: 1500, P99Microseconds: 9000);

        Assert.Equal(5_000, point.RecordsPerSecond);
        Assert.Equal(1_250, point.SyncsPerSecond);
        Assert.Equal(0.25, point.SyncsPerRecord);
        Assert.Equal(8, point.RecordsPerCommit); // 2,500 commits of 2 syncs each
        Assert.Equal("| 16 | 64 | 5,000 | 1,250 | 0.250 | 8.0 | 0 | 1.50 ms | 9.00 ms |", ShardScaling.Row(point));
    }

    [Theory]
    [InlineData("1,16,256,1024", new[] { 1, 16, 256, 1024 })]
    [InlineData(" 4 , 8 ", new[] { 4, 8 })]
    public void ParseCounts_ValidList_ReturnsCounts(string text, int[] expected)
        => Assert.Equal(expected, ShardScaling.ParseCounts(text));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("5000")]
    public void ParseCounts_OutOfRange_Throws(string text)
        => Assert.Throws<ArgumentException>(() => ShardScaling.ParseCounts(text));

    [Fact]
    public void ToJson_Points_HasTheDocumentedMembers()
    {
        var point = new ShardScalingPoint(1, 64, 100, 1, 10, 1000, 2000);

        using JsonDocument json = JsonDocument.Parse(ShardScaling.ToJson([point], DeviceKind.Portable, 1024));

        JsonElement p = json.RootElement.GetProperty("points")[0];
        Assert.Equal("Portable", json.RootElement.GetProperty("device").GetString());
        Assert.Equal(100, p.GetProperty("records_s").GetDouble());
        Assert.Equal(0.1, p.GetProperty("fdatasyncs_per_record").GetDouble(), 9);
        Assert.Equal(20, p.GetProperty("records_per_commit").GetDouble(), 9);
    }

    [Fact]
    public async Task SyncCountingDevice_OneAwaitedAppend_CountsTheSegmentAndCheckpointSyncsAndOneCommit()
    {
        var counter = new SyncCounter();
        var device = new SyncCountingDevice(new MemoryDevice(), counter);
        // A committer of its own: on the process-wide one, another test's log in the same round would make this
        // commit a batch barrier instead of the linked write + sync that counts as a group commit.
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { Committer = new LogCommitter(1) });
        await log.AppendAsync("k"u8, null, "first"u8.ToArray()); // creates the segment (and its directory entry)
        long before = counter.Count;
        long commitsBefore = counter.Commits;

        await log.AppendAsync("k"u8, null, "v"u8.ToArray());

        // ADR 0001: one commit syncs the segment, then the checkpoint; the segment's sync is the group commit.
        Assert.Equal(2, counter.Count - before);
        Assert.Equal(1, counter.Commits - commitsBefore);
    }
}
