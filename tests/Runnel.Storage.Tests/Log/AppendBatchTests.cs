using System.Diagnostics.CodeAnalysis;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Runnel.Model;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests.Log;

/// <summary><see cref="AppendBatch"/>: many records of one caller under one acknowledgement, in claim order.</summary>
public class AppendBatchTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly ShardLogOptions s_small = new() { SegmentMaxBytes = 4096, IndexIntervalBytes = 256 };

    /// <summary>
    /// Any interleaving of single appends and up to three open batches on one log gives every record the sequence,
    /// timestamp and stored bytes that appending the same records one by one, in the same claim order, gives.
    /// </summary>
    [Property(MaxTest = 60)]
    [SuppressMessage("Reliability", "CA2012", Justification = "Each stored ValueTask is awaited exactly once.")]
    public bool Batches_AnyInterleaving_SameResultsAsOneByOneAppends(int seed, byte[] steps)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using ShardLog batched = ShardLog.Open(new MemoryDevice(), s_small, time);
        using ShardLog single = ShardLog.Open(new MemoryDevice(), s_small, time);

        var records = new List<(byte[] Key, HashKey? Hash, byte[] Data)>();
        var singles = new List<(int Record, ValueTask<AppendResult> Ack)>();
        var closed = new List<(AppendBatch Batch, List<int> Records)>();
        var open = new (AppendBatch Batch, List<int> Records)?[3];
        foreach (byte step in steps)
        {
            int slot = step % 4; // 3: a single append; else a batch slot
            bool close = (step & 0x80) != 0;
            if (slot < 3 && close)
            {
                if (open[slot] is { } done)
                {
                    closed.Add(done);
                    open[slot] = null;
                }
                continue;
            }
            (byte[] key, UInt128? hash, byte[] data) = RecordModel.Random(random, 200);
            HashKey? hashKey = hash is { } h ? new HashKey(h) : null;
            int record = records.Count;
            records.Add((key, hashKey, data));
            if (slot == 3)
            {
                singles.Add((record, batched.AppendAsync(key, hashKey, data)));
                continue;
            }
            (AppendBatch Batch, List<int> Records) entry = open[slot] ??= (batched.RentBatch(steps.Length), []);
            if (entry.Batch.TryAdd(key, hashKey, data) != AppendBatchStatus.Added)
            {
                return false; // a ring of 1 MiB holds every record of this test
            }
            entry.Records.Add(record);
        }
        closed.AddRange(open.Where(e => e is not null).Select(e => e!.Value));

        var results = new AppendResult[records.Count];
        foreach ((AppendBatch batch, List<int> batchRecords) in closed)
        {
            batch.WhenDurableAsync().AsTask().Wait(s_timeout);
            for (int i = 0; i < batchRecords.Count; i++)
            {
                if (!batch.TryGetResult(i, out results[batchRecords[i]]))
                {
                    return false;
                }
            }
            batch.Return();
        }
        foreach ((int record, ValueTask<AppendResult> ack) in singles)
        {
            results[record] = ack.AsTask().Result;
        }
        var expected = new AppendResult[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            expected[i] = single.AppendAsync(records[i].Key, records[i].Hash, records[i].Data).AsTask().Result;
        }
        // Claim order is the order the records were made (one thread): sequences 0, 1, 2, ... in that order.
        return results.SequenceEqual(expected) && LogReading.ReadAll(batched, bufferSize: 1 << 20, maxRecords: 100_000)
            .SequenceEqual(LogReading.ReadAll(single, bufferSize: 1 << 20, maxRecords: 100_000), RecordComparer.Instance);
    }

    [Fact]
    public async Task WhenDurableAsync_EmptyBatch_CompletesAtOnce()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        AppendBatch batch = log.RentBatch(4);
        ValueTask ack = batch.WhenDurableAsync();
        Assert.True(ack.IsCompletedSuccessfully);
        await ack;
        Assert.Equal(0, batch.Count);
        batch.Return();
    }

    [Fact]
    public async Task WhenDurableAsync_RecordsReadableAfterwardsWithOneArrivalTime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small, time);
        time.Advance(TimeSpan.FromSeconds(5));
        AppendBatch batch = log.RentBatch(3); // the arrival time is read here, once
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("a"u8, null, "one"u8));
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("b"u8, new HashKey(7u), "two"u8));
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("c"u8, null, "three"u8));
        Assert.Throws<InvalidOperationException>(() => batch.TryAdd("d"u8, null, "over capacity"u8));
        await batch.WhenDurableAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(3, batch.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(batch.TryGetResult(i, out AppendResult result));
            Assert.Equal(new AppendResult((ulong)i + 1, 1_700_000_005_000), result); // sequences start at 1
        }
        batch.Return();
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(["one", "two", "three"], read.Select(r => System.Text.Encoding.ASCII.GetString(r.Data)));
        Assert.Equal(new UInt128(0, 7), read[1].ExplicitHashKey);
    }

    [Fact]
    public async Task Return_RentedAgain_ReusesTheBatch()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        AppendBatch first = log.RentBatch(1);
        first.TryAdd("k"u8, null, "x"u8);
        Assert.Throws<InvalidOperationException>(first.Return); // not closed yet
        await first.WhenDurableAsync();
        first.Return();
        AppendBatch second = log.RentBatch(2);
        Assert.Same(first, second);
        Assert.Equal(0, second.Count);
        second.TryAdd("k"u8, null, "y"u8);
        await second.WhenDurableAsync();
        Assert.True(second.TryGetResult(0, out AppendResult result));
        Assert.Equal(2UL, result.Sequence);
        second.Return();
    }

    [Fact]
    public async Task TryAdd_RingFullWhileCommitStalls_ReportsFullThenTakesTheRestInOrder()
    {
        using var device = new GatedDevice();
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { MaxPendingBytes = 64 * 1024 });
        device.Close();
        try
        {
            AppendBatch batch = log.RentBatch(200);
            int full = 0;
            for (int i = 0; i < 200; i++)
            {
                byte[] data = new byte[1000];
                data[0] = (byte)i;
                AppendBatchStatus status;
                while ((status = batch.TryAdd("k"u8, null, data)) == AppendBatchStatus.Full)
                {
                    full++;
                    device.Open(); // let the writer take the ring's records; their commit may complete now
                    await log.WhenTakenAsync().WaitAsync(s_timeout);
                    device.Close();
                }
                Assert.Equal(AppendBatchStatus.Added, status);
                Assert.Equal(i + 1, batch.Count);
            }
            Assert.True(full > 0);
            device.Open();
            await batch.WhenDurableAsync().AsTask().WaitAsync(s_timeout);
            for (int i = 0; i < 200; i++)
            {
                Assert.True(batch.TryGetResult(i, out AppendResult result));
                Assert.Equal((ulong)i + 1, result.Sequence);
            }
            batch.Return();
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (byte)i), LogReading.ReadAll(log, maxRecords: 1000).Select(r => r.Data[0]));
        }
        finally
        {
            device.Open();
        }
    }

    [Fact]
    public async Task TryAdd_RecordLongerThanTheRing_AppendAlone()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), new ShardLogOptions { MaxPendingBytes = 64 * 1024 });
        AppendBatch batch = log.RentBatch(4);
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, "small"u8));
        Assert.Equal(AppendBatchStatus.AppendAlone, batch.TryAdd("k"u8, null, new byte[40_000]));
        Assert.Equal(1, batch.Count);
        AppendResult alone = await log.AppendAsync("k"u8, null, new byte[40_000]);
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, "after"u8));
        await batch.WhenDurableAsync();
        Assert.True(batch.TryGetResult(0, out AppendResult first));
        Assert.True(batch.TryGetResult(1, out AppendResult last));
        Assert.Equal([1UL, 2UL, 3UL], new[] { first.Sequence, alone.Sequence, last.Sequence });
        batch.Return();
    }

    [Fact]
    public async Task WhenDurableAsync_SyncFailsUnderPartOfTheBatch_FailsExactlyTheRecordsNotDurable()
    {
        var device = new FaultInjectingDevice();
        using ShardLog log = ShardLog.Open(device, s_small);
        AppendResult before = await log.AppendAsync("k"u8, null, "before"u8);
        AppendBatch other = log.RentBatch(1);
        other.TryAdd("k"u8, null, "other batch, durable"u8);
        await other.WhenDurableAsync();

        AppendBatch batch = log.RentBatch(3);
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, "durable"u8));
        await log.WhenCommittedAsync().WaitAsync(s_timeout); // its round is done; the batch stays open
        device.FailNextSync = true;
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, "lost 1"u8));
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, "lost 2"u8));
        await Assert.ThrowsAsync<LogFailedException>(async () => await batch.WhenDurableAsync());
        Assert.True(batch.TryGetResult(0, out AppendResult durable));
        Assert.Equal(before.Sequence + 2, durable.Sequence);
        Assert.False(batch.TryGetResult(1, out _));
        Assert.False(batch.TryGetResult(2, out _));
        batch.Return();

        // The other batch's answer is untouched, and a failed log sends later records to the single path.
        Assert.True(other.TryGetResult(0, out _));
        other.Return();
        AppendBatch later = log.RentBatch(1);
        Assert.Equal(AppendBatchStatus.AppendAlone, later.TryAdd("k"u8, null, "later"u8));
        await later.WhenDurableAsync();
        later.Return();
        await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "later"u8));
    }

    private sealed class RecordComparer : IEqualityComparer<RecordModel>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(RecordModel? x, RecordModel? y)
            => x!.Sequence == y!.Sequence && x.TimestampMs == y.TimestampMs && x.ExplicitHashKey == y.ExplicitHashKey
               && x.PartitionKey.AsSpan().SequenceEqual(y.PartitionKey) && x.Data.AsSpan().SequenceEqual(y.Data);

        public int GetHashCode(RecordModel obj) => obj.Sequence.GetHashCode();
    }
}
