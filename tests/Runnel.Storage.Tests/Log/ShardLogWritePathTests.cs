using System.Diagnostics.CodeAnalysis;
using Runnel.Model;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests.Log;

/// <summary>The ring-based write path: order, large records, backpressure, WhenCommittedAsync, WhenTakenAsync and Dispose.</summary>
public class ShardLogWritePathTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AppendAsync_RecordsLargerThanRing_KeepTheirPlaceInOrder()
    {
        // Default options: a 1 MiB ring, so frames over 512 KiB go aside with an indirect record in the ring.
        using ShardLog log = ShardLog.Open(new MemoryDevice());
        var sizes = new[] { 10, 600_000, 20, 40_000, 3_000_000, 5, 2_000_000 };
        var pending = new List<Task<AppendResult>>();
        for (int i = 0; i < sizes.Length; i++)
        {
            byte[] data = new byte[sizes[i]];
            data.AsSpan().Fill((byte)i);
            pending.Add(log.AppendAsync("k"u8, null, data).AsTask());
        }
        AppendResult[] acks = await Task.WhenAll(pending);
        Assert.Equal(Enumerable.Range(1, sizes.Length).Select(i => (ulong)i), acks.Select(a => a.Sequence));
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(sizes, read.Select(r => r.Data.Length));
        for (int i = 0; i < read.Count; i++)
        {
            Assert.True(read[i].Data.AsSpan().IndexOfAnyExcept((byte)i) < 0);
        }
    }

    [Fact]
    public async Task AppendAsync_ManyProducers_EachProducersAcksInIssueOrderAndTimestampsNeverDecrease()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), new ShardLogOptions { SegmentMaxBytes = 64 * 1024 });
        const int Producers = 4;
        const int PerProducer = 3000;
        Task<AppendResult[]>[] producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var acks = new Task<AppendResult>[PerProducer];
            for (int i = 0; i < PerProducer; i++)
            {
                acks[i] = log.AppendAsync("k"u8, new HashKey((ulong)p), BitConverter.GetBytes(i)).AsTask();
            }
            return await Task.WhenAll(acks);
        })).ToArray();
        AppendResult[][] all = await Task.WhenAll(producers);
        foreach (AppendResult[] acks in all)
        {
            for (int i = 1; i < acks.Length; i++)
            {
                Assert.True(acks[i].Sequence > acks[i - 1].Sequence);
            }
        }
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(Producers * PerProducer, read.Count);
        for (int i = 1; i < read.Count; i++)
        {
            Assert.Equal(read[i - 1].Sequence + 1, read[i].Sequence);
            Assert.True(read[i].TimestampMs >= read[i - 1].TimestampMs);
        }
    }

    [Fact]
    [SuppressMessage("Reliability", "CA2012", Justification = "Every stored ValueTask is awaited once, through AsTask.")]
    public async Task AppendAsync_RingFullWhileCommitStalls_RefusedWithBackpressureThenRecovers()
    {
        using var device = new GatedDevice();
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { MaxPendingBytes = 64 * 1024 });
        device.Close();
        var accepted = new List<Task<AppendResult>>();
        LogBackpressureException? refused = null;
        for (int i = 0; i < 10_000 && refused is null; i++)
        {
            ValueTask<AppendResult> append = log.AppendAsync("k"u8, null, new byte[1000]);
            if (append.IsFaulted)
            {
                refused = await Assert.ThrowsAsync<LogBackpressureException>(async () => await append);
            }
            else
            {
                accepted.Add(append.AsTask());
            }
        }
        Assert.NotNull(refused);
        Assert.InRange(accepted.Count, 32, 200); // one ring of 64 KiB, plus the batch the writer holds
        device.Open();
        AppendResult[] acks = await Task.WhenAll(accepted).WaitAsync(s_timeout);
        Assert.Equal(Enumerable.Range(1, accepted.Count).Select(i => (ulong)i), acks.Select(a => a.Sequence));
        Assert.Equal((ulong)accepted.Count + 1, (await log.AppendAsync("k"u8, null, "after"u8)).Sequence);
    }

    [Fact]
    public async Task WhenCommittedAsync_AppendsInFlight_CompletesOnlyAfterTheyCommit()
    {
        using var device = new GatedDevice();
        using ShardLog log = ShardLog.Open(device);
        device.Close();
        Task<AppendResult>[] appends = Enumerable.Range(0, 50)
            .Select(i => log.AppendAsync("k"u8, null, BitConverter.GetBytes(i)).AsTask())
            .ToArray();
        Task committed = log.WhenCommittedAsync();
        await Task.Delay(50);
        Assert.False(committed.IsCompleted);
        device.Open();
        await committed.WaitAsync(s_timeout);
        Assert.Equal(51ul, log.CommittedNextSequence); // committed before the wait completed; acks may still be queued
        await Task.WhenAll(appends).WaitAsync(s_timeout);
        Assert.Equal(log.CommittedNextSequence, log.AppendedNextSequence);
    }

    [Fact]
    public async Task WhenTakenAsync_WriterHeldInACommit_CompletesWhenTheRecordsAreInABatchNotWhenDurable()
    {
        using var device = new GatedDevice();
        using ShardLog log = ShardLog.Open(device);
        device.Close();
        Task<AppendResult> first = log.AppendAsync("k"u8, null, "first"u8).AsTask();
        await log.WhenTakenAsync().WaitAsync(s_timeout); // in the writer's batch, whose commit waits at the gate
        Assert.False(first.IsCompleted);
        Task<AppendResult>[] later = [.. Enumerable.Range(0, 20).Select(i => log.AppendAsync("k"u8, null, BitConverter.GetBytes(i)).AsTask())];
        Task taken = log.WhenTakenAsync();
        await Task.Delay(50);
        Assert.False(taken.IsCompleted); // the writer is still in the first commit, so these wait in the ring
        device.Open();
        await taken.WaitAsync(s_timeout);
        AppendResult[] acks = await Task.WhenAll(later).WaitAsync(s_timeout);
        Assert.Equal(1ul, (await first).Sequence);
        Assert.Equal(Enumerable.Range(2, 20).Select(i => (ulong)i), acks.Select(a => a.Sequence));
    }

    [Fact]
    [SuppressMessage("Reliability", "CA2012", Justification = "Every accepted ValueTask is awaited once, through AsTask.")]
    public async Task AppendAsync_RingFilledDuringACommit_NextRoundCoalescesAndEveryRecordIsDurableInOrder()
    {
        using var device = new GatedDevice();
        var acks = new List<Task<AppendResult>>();
        using (ShardLog log = ShardLog.Open(device))
        {
            device.Close();
            acks.Add(log.AppendAsync("k"u8, null, new byte[10]).AsTask());
            await log.WhenTakenAsync().WaitAsync(s_timeout); // the writer holds this record's commit at the gate
            byte[] data = new byte[1000];
            while (log.TryAppend("k"u8, null, data, out ValueTask<AppendResult> ack))
            {
                acks.Add(ack.AsTask()); // fills the 1 MiB ring, which the next round takes whole (a coalescing round)
            }
            device.Open();
            for (int i = 0; i < 3000; i++)
            {
                // Appended while that round writes: taken into it before its sync, or into the next round.
                ValueTask<AppendResult> ack;
                while (!log.TryAppend("k"u8, null, data, out ack))
                {
                    await log.WhenTakenAsync().WaitAsync(s_timeout);
                }
                acks.Add(ack.AsTask());
            }
            AppendResult[] results = await Task.WhenAll(acks).WaitAsync(s_timeout);
            Assert.Equal(Enumerable.Range(1, acks.Count).Select(i => (ulong)i), results.Select(r => r.Sequence));
        }
        using ShardLog reopened = ShardLog.Open(device);
        Assert.Equal((ulong)acks.Count + 1, reopened.CommittedNextSequence);
        List<RecordModel> read = LogReading.ReadAll(reopened);
        Assert.Equal(acks.Count, read.Count);
        Assert.Equal(10, read[0].Data.Length);
        Assert.All(read.Skip(1), r => Assert.Equal(1000, r.Data.Length));
    }

    [Fact]
    public async Task Dispose_AppendsInFlight_WaitsForTheirCommitThenRefusesNewOnes()
    {
        using var device = new GatedDevice();
        ShardLog log = ShardLog.Open(device);
        device.Close();
        Task<AppendResult>[] appends = Enumerable.Range(0, 20)
            .Select(i => log.AppendAsync("k"u8, null, BitConverter.GetBytes(i)).AsTask())
            .ToArray();
        Task disposed = Task.Run(log.Dispose);
        await Task.Delay(50);
        Assert.False(disposed.IsCompleted);
        device.Open();
        await disposed.WaitAsync(s_timeout);
        AppendResult[] acks = await Task.WhenAll(appends).WaitAsync(s_timeout);
        Assert.Equal(20ul, acks[^1].Sequence);
        await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "late"u8));
    }

    [Fact]
    public async Task AppendAsync_SyncFailsWithMoreQueued_EveryQueuedAppendFailsNoneAcknowledged()
    {
        var device = new FaultInjectingDevice();
        using ShardLog log = ShardLog.Open(device);
        await log.AppendAsync("k"u8, null, "durable"u8);
        device.FailNextSync = true;
        Task<AppendResult>[] appends = Enumerable.Range(0, 200)
            .Select(i => log.AppendAsync("k"u8, null, BitConverter.GetBytes(i)).AsTask())
            .ToArray();
        foreach (Task<AppendResult> append in appends)
        {
            await Assert.ThrowsAsync<LogFailedException>(() => append);
        }
        Assert.Equal(2ul, log.CommittedNextSequence);
        await log.WhenCommittedAsync().WaitAsync(s_timeout);
    }
}
