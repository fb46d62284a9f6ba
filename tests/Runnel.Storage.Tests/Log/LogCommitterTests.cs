using FsCheck.Xunit;
using Runnel.Storage.Io;
using Runnel.Storage.Log;

namespace Runnel.Storage.Tests.Log;

/// <summary>Shared commit loops: many logs in one round, one barrier per round, per-log failure, close during a round.</summary>
public sealed class LogCommitterTests
{
    private static readonly byte[] s_key = "k"u8.ToArray();

    [Fact]
    public async Task Round_ManyLogsReadyTogether_OneBarrierForTheirSegmentsAndOneForTheirCheckpoints()
    {
        var committer = new LogCommitter(1);
        var options = new ShardLogOptions { Committer = committer };
        using var gated = new GatedDevice();
        using ShardLog blocker = ShardLog.Open(gated, options);
        var group = new BatchSyncDevice.Group();
        ShardLog[] logs = [.. Enumerable.Range(0, 32).Select(_ => ShardLog.Open(new BatchSyncDevice(group), options))];
        try
        {
            await blocker.AppendAsync(s_key, null, [0]);
            ulong first = 0;
            foreach (ShardLog log in logs)
            {
                first = (await log.AppendAsync(s_key, null, [1])).Sequence; // each has its segment now
            }

            gated.Close();
            ValueTask<AppendResult> held = blocker.AppendAsync(s_key, null, [2]); // the one loop waits in this commit
            await blocker.WhenTakenAsync().WaitAsync(TimeSpan.FromSeconds(30)); // in that round before the others append
            ValueTask<AppendResult>[] appends = [.. logs.Select((log, i) => log.AppendAsync(s_key, null, [(byte)i]))];
            int batchesBefore = group.Batches.Length;
            await Task.Delay(50);
            gated.Open();
            await held;
            foreach (ValueTask<AppendResult> append in appends)
            {
                Assert.Equal(first + 1, (await append).Sequence);
            }

            // The 32 logs queued behind the held commit went in one round: one barrier of 32 segments, one of 32 checkpoints.
            int[] batches = group.Batches[batchesBefore..];
            Assert.Equal([32, 32], batches);
            for (int i = 0; i < logs.Length; i++)
            {
                Assert.Equal([1, (byte)i], LogReading.ReadAll(logs[i]).Select(r => r.Data[0]));
            }
        }
        finally
        {
            foreach (ShardLog log in logs)
            {
                log.Dispose();
            }
        }
    }

    [Fact]
    public async Task Round_OneLogsSyncFails_OthersAcknowledgedAndOnlyThatLogFailStops()
    {
        var committer = new LogCommitter(1);
        var options = new ShardLogOptions { Committer = committer };
        using var gated = new GatedDevice();
        using ShardLog blocker = ShardLog.Open(gated, options);
        var failing = new FaultInjectingDevice();
        using ShardLog bad = ShardLog.Open(failing, options);
        using ShardLog good1 = ShardLog.Open(new FaultInjectingDevice(), options);
        using ShardLog good2 = ShardLog.Open(new MemoryDevice(), options);
        ulong first = 0;
        foreach (ShardLog log in new[] { blocker, bad, good1, good2 })
        {
            first = (await log.AppendAsync(s_key, null, [0])).Sequence;
        }

        gated.Close();
        ValueTask<AppendResult> held = blocker.AppendAsync(s_key, null, [1]);
        failing.FailNextSync = true;
        ValueTask<AppendResult> badAppend = bad.AppendAsync(s_key, null, [1]);
        ValueTask<AppendResult> goodAppend1 = good1.AppendAsync(s_key, null, [1]);
        ValueTask<AppendResult> goodAppend2 = good2.AppendAsync(s_key, null, [1]);
        await Task.Delay(50);
        gated.Open();
        await held;

        await Assert.ThrowsAsync<LogFailedException>(async () => await badAppend);
        Assert.Equal(first + 1, (await goodAppend1).Sequence);
        Assert.Equal(first + 1, (await goodAppend2).Sequence);
        Assert.True(bad.IsFailed);
        Assert.False(good1.IsFailed);
        Assert.Equal(first + 1, bad.CommittedNextSequence); // nothing of the failed round is committed
        await Assert.ThrowsAsync<LogFailedException>(async () => await bad.AppendAsync(s_key, null, [2]));
        Assert.Equal(first + 2, (await good1.AppendAsync(s_key, null, [2])).Sequence);
    }

    [Fact]
    public async Task Dispose_LogQueuedBehindAHeldRound_WaitsForItsAppendsThenRefusesNewOnes()
    {
        var committer = new LogCommitter(1);
        var options = new ShardLogOptions { Committer = committer };
        using var gated = new GatedDevice();
        using ShardLog blocker = ShardLog.Open(gated, options);
        ShardLog closing = ShardLog.Open(new MemoryDevice(), options);
        await blocker.AppendAsync(s_key, null, [0]);
        ulong first = (await closing.AppendAsync(s_key, null, [0])).Sequence;

        gated.Close();
        ValueTask<AppendResult> held = blocker.AppendAsync(s_key, null, [1]);
        ValueTask<AppendResult> queued = closing.AppendAsync(s_key, null, [1]);
        Task disposed = Task.Run(closing.Dispose);
        await Task.Delay(50);
        Assert.False(disposed.IsCompleted); // it waits for the queued append
        gated.Open();
        await disposed;
        await held;

        Assert.Equal(first + 1, (await queued).Sequence);
        LogFailedException refused = await Assert.ThrowsAsync<LogFailedException>(async () => await closing.AppendAsync(s_key, null, [2]));
        Assert.Equal("The log is closed.", refused.Message);
    }

    [Fact]
    public async Task ReleaseAppendBuffer_LogQueuedBehindAHeldRound_BufferGoesWhenTheLoopLetsItGo()
    {
        var committer = new LogCommitter(1);
        var options = new ShardLogOptions { Committer = committer };
        using var gated = new GatedDevice();
        using ShardLog blocker = ShardLog.Open(gated, options);
        using ShardLog closing = ShardLog.Open(new MemoryDevice(), options);
        await blocker.AppendAsync(s_key, null, [0]);
        ulong next = closing.CommittedNextSequence;

        gated.Close();
        ValueTask<AppendResult> held = blocker.AppendAsync(s_key, null, [1]);
        ValueTask<AppendResult> queued = closing.AppendAsync(s_key, null, [1]);
        Task committed = closing.WhenCommittedAsync();
        Assert.False(closing.ReleaseAppendBuffer()); // its writer (the loop) has not taken the record yet
        gated.Open();
        await held;
        await queued;
        await committed;

        SpinWait.SpinUntil(() => !closing.HoldsAppendBuffer, TimeSpan.FromSeconds(10));
        Assert.False(closing.HoldsAppendBuffer);
        Assert.Equal(next + 1, closing.CommittedNextSequence);
    }

    [Fact]
    public void Constructor_LoopsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogCommitter(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogCommitter(LogCommitter.MaxLoops + 1));
    }

    /// <summary>
    /// Any interleaving of appends over several logs sharing two loops (records of any size, large ones included)
    /// leaves each log gap-free, in its own issue order, and acknowledged with the sequence it is read back at.
    /// </summary>
    [Property(MaxTest = 40)]
    public bool Appends_AnyInterleavingAcrossLogs_EachLogGapFreeInIssueOrder((byte Log, ushort Size)[] operations)
    {
        var committer = new LogCommitter(2);
        var group = new BatchSyncDevice.Group();
        var options = new ShardLogOptions { Committer = committer };
        ShardLog[] logs = [.. Enumerable.Range(0, 5).Select(i => ShardLog.Open(i % 2 == 0 ? new BatchSyncDevice(group) : new MemoryDevice(), options))];
        try
        {
            var issued = new List<byte[]>[logs.Length];
            var acks = new List<Task<AppendResult>>[logs.Length];
            for (int i = 0; i < logs.Length; i++)
            {
                issued[i] = [];
                acks[i] = [];
            }
            int n = 0;
            foreach ((byte logIndex, ushort size) in operations)
            {
                int target = logIndex % logs.Length;
                byte[] data = new byte[size > 65_000 ? 600_000 : (size % 2000) + 1]; // some longer than half the ring
                data[0] = (byte)n++;
                issued[target].Add(data);
                acks[target].Add(logs[target].AppendAsync(s_key, null, data).AsTask());
            }
            for (int i = 0; i < logs.Length; i++)
            {
                ulong first = logs[i].TrimHorizonSequence;
                for (int r = 0; r < acks[i].Count; r++)
                {
                    if (acks[i][r].GetAwaiter().GetResult().Sequence != first + (ulong)r)
                    {
                        return false;
                    }
                }
                List<Runnel.Testing.RecordModel> read = LogReading.ReadAll(logs[i]);
                if (read.Count != issued[i].Count)
                {
                    return false;
                }
                for (int r = 0; r < read.Count; r++)
                {
                    if (read[r].Sequence != first + (ulong)r || !read[r].Data.AsSpan().SequenceEqual(issued[i][r]))
                    {
                        return false;
                    }
                }
            }
            return true;
        }
        finally
        {
            foreach (ShardLog log in logs)
            {
                log.Dispose();
            }
        }
    }
}
