using Microsoft.Extensions.Time.Testing;
using Runnel.Model;
using Runnel.Storage.Framing;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests.Log;

public class ShardLogTests
{
    private static readonly ShardLogOptions s_small = new() { SegmentMaxBytes = 4096, IndexIntervalBytes = 256 };

    [Fact]
    public async Task AppendAsync_Records_ReadBackInOrderWithIncreasingSequences()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        var sent = new List<byte[]>();
        ulong previous = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] data = BitConverter.GetBytes(i);
            sent.Add(data);
            AppendResult result = await log.AppendAsync("key"u8, null, data);
            Assert.True(result.Sequence > previous);
            previous = result.Sequence;
        }
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(sent.Count, read.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i], read[i].Data);
            Assert.Equal((ulong)i + 1, read[i].Sequence);
        }
        Assert.True(log.SegmentCount > 1, "4 KiB segments must have rolled");
    }

    [Fact]
    public void Open_NothingAppended_HoldsNoAppendBuffer()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);

        Assert.False(log.HoldsAppendBuffer);
    }

    [Fact]
    public async Task ReleaseAppendBuffer_AfterLastCommit_FreesRingAndRecordsStayReadable()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        var appends = new List<Task<AppendResult>>();
        for (int i = 0; i < 300; i++)
        {
            appends.Add(log.AppendAsync("key"u8, null, BitConverter.GetBytes(i)).AsTask());
        }
        await log.WhenCommittedAsync();
        Assert.True(log.HoldsAppendBuffer);

        log.ReleaseAppendBuffer(); // the writer may still be going idle: then it frees the buffer itself
        await Task.WhenAll(appends);
        SpinWait.SpinUntil(() => !log.HoldsAppendBuffer, TimeSpan.FromSeconds(30));

        Assert.False(log.HoldsAppendBuffer);
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(300, read.Count);
        Assert.Equal(299, BitConverter.ToInt32(read[^1].Data));
    }

    [Fact]
    public async Task AppendAsync_AfterAppendBufferReleased_StillAcknowledgedAndReadable()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        await log.AppendAsync("key"u8, null, "before"u8.ToArray());
        await log.WhenCommittedAsync();
        log.ReleaseAppendBuffer();
        SpinWait.SpinUntil(() => !log.HoldsAppendBuffer, TimeSpan.FromSeconds(30));

        AppendResult after = await log.AppendAsync("key"u8, null, "after"u8.ToArray());

        Assert.Equal(2UL, after.Sequence);
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(["before", "after"], read.Select(r => System.Text.Encoding.UTF8.GetString(r.Data)));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallers_AllAcknowledgedAndReadable()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        Task<AppendResult>[] tasks = Enumerable.Range(0, 2000)
            .Select(i => Task.Run(async () => await log.AppendAsync("k"u8, new HashKey((ulong)i), BitConverter.GetBytes(i))))
            .ToArray();
        AppendResult[] results = await Task.WhenAll(tasks);
        Assert.Equal(2000, results.Select(r => r.Sequence).Distinct().Count());
        List<RecordModel> read = LogReading.ReadAll(log);
        Assert.Equal(2000, read.Count);
        Assert.Equal(Enumerable.Range(0, 2000).OrderBy(i => i),
            read.Select(r => BitConverter.ToInt32(r.Data)).OrderBy(i => i));
        for (int i = 0; i < read.Count; i++)
        {
            int value = BitConverter.ToInt32(read[i].Data);
            Assert.Equal(new UInt128(0, (ulong)value), read[i].ExplicitHashKey);
            AppendResult ack = results[value];
            Assert.Equal(ack.Sequence, read[i].Sequence);
            Assert.Equal(ack.TimestampMs, read[i].TimestampMs);
        }
    }

    [Fact]
    public async Task Open_AfterDispose_KeepsEveryRecordOnRealFiles()
    {
        using var directory = new TempDirectory();
        var sent = new List<AppendResult>();
        using (ShardLog log = ShardLog.Open(new FileDevice(directory.Path), s_small))
        {
            for (int i = 0; i < 100; i++)
            {
                sent.Add(await log.AppendAsync("pk"u8, null, new byte[i * 7]));
            }
        }
        using (ShardLog reopened = ShardLog.Open(new FileDevice(directory.Path), s_small))
        {
            List<RecordModel> read = LogReading.ReadAll(reopened);
            Assert.Equal(sent.Select(s => s.Sequence), read.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 7), read.Select(r => r.Data.Length));
            AppendResult next = await reopened.AppendAsync("pk"u8, null, "after"u8);
            Assert.Equal(sent[^1].Sequence + 1, next.Sequence);
        }
    }

    [Fact]
    public async Task Read_FromSequence_StartsAtOrAfterIt()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        for (int i = 0; i < 300; i++)
        {
            await log.AppendAsync("k"u8, null, new byte[40]);
        }
        foreach (ulong start in new ulong[] { 1, 2, 57, 150, 299, 300 })
        {
            List<RecordModel> read = LogReading.ReadAll(log, ShardLog.AtSequence(start));
            Assert.Equal(start, read[0].Sequence);
            Assert.Equal(300 - (int)start + 1, read.Count);
        }
        Assert.Empty(LogReading.ReadAll(log, ShardLog.AtSequence(301)));
        Assert.Empty(LogReading.ReadAll(log, log.Tip()));
    }

    [Fact]
    public async Task Read_SmallBuffer_ReportsRequiredLength()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice());
        await log.AppendAsync("k"u8, null, new byte[5000]);
        LogCursor cursor = log.TrimHorizon();
        ReadResult result = log.Read(ref cursor, new byte[1000], 10);
        Assert.Equal(ReadStatus.BufferTooSmall, result.Status);
        Assert.True(result.RequiredBufferLength >= 5000);
        result = log.Read(ref cursor, new byte[result.RequiredBufferLength], 10);
        Assert.Equal(1, result.Records);
        Assert.Equal(ReadStatus.Tip, result.Status);
    }

    [Fact]
    public async Task Read_RecordLimit_StopsWithMore()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice());
        for (int i = 0; i < 10; i++)
        {
            await log.AppendAsync("k"u8, null, new byte[10]);
        }
        LogCursor cursor = log.TrimHorizon();
        ReadResult first = log.Read(ref cursor, new byte[4096], 4);
        Assert.Equal((4, ReadStatus.More), (first.Records, first.Status));
        Assert.Equal(5ul, cursor.NextSequence);
        ReadResult rest = log.Read(ref cursor, new byte[4096], 100);
        Assert.Equal((6, ReadStatus.Tip), (rest.Records, rest.Status));
    }

    [Fact]
    public async Task AtTimestamp_ReturnsFirstRecordArrivedAtOrAfter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small, time);
        var acks = new List<AppendResult>();
        for (int i = 0; i < 100; i++)
        {
            acks.Add(await log.AppendAsync("k"u8, null, new byte[100]));
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        Assert.Equal(acks[0].Sequence, LogReading.ReadAll(log, log.AtTimestamp(0))[0].Sequence);
        Assert.Equal(acks[42].Sequence, LogReading.ReadAll(log, log.AtTimestamp(acks[42].TimestampMs))[0].Sequence);
        Assert.Equal(acks[43].Sequence, LogReading.ReadAll(log, log.AtTimestamp(acks[42].TimestampMs + 1))[0].Sequence);
        Assert.Empty(LogReading.ReadAll(log, log.AtTimestamp(acks[99].TimestampMs + 1)));
    }

    [Fact]
    public async Task EnforceRetention_ExpiredSegments_RemovedWholeAndReadsStartAtTrimHorizon()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var options = s_small with { Retention = TimeSpan.FromHours(24), SegmentMaxAge = TimeSpan.FromHours(1) };
        var device = new MemoryDevice();
        using ShardLog log = ShardLog.Open(device, options, time);
        for (int i = 0; i < 30; i++)
        {
            await log.AppendAsync("old"u8, null, new byte[200]);
        }
        time.Advance(TimeSpan.FromHours(2));
        AppendResult firstNew = await log.AppendAsync("new"u8, null, new byte[10]);
        time.Advance(TimeSpan.FromHours(23));
        Assert.True(log.EnforceRetention() > 0);
        List<RecordModel> left = LogReading.ReadAll(log, ShardLog.AtSequence(1));
        Assert.Equal(firstNew.Sequence, left[0].Sequence);
        Assert.Single(left);
        Assert.Equal(firstNew.Sequence, log.TrimHorizonSequence);

        time.Advance(TimeSpan.FromHours(2));
        log.EnforceRetention();
        Assert.Equal(0, log.SegmentCount);
        AppendResult after = await log.AppendAsync("k"u8, null, "x"u8);
        Assert.Equal(firstNew.Sequence + 1, after.Sequence);
    }

    [Fact]
    public async Task Open_AfterRetentionRemovedEverything_ContinuesSequence()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var device = new FaultInjectingDevice();
        using (ShardLog log = ShardLog.Open(device, s_small, time))
        {
            for (int i = 0; i < 5; i++)
            {
                await log.AppendAsync("k"u8, null, new byte[10]);
            }
            time.Advance(TimeSpan.FromDays(2));
            log.EnforceRetention();
        }
        device.PowerLoss(new Random(7));
        using ShardLog reopened = ShardLog.Open(device, s_small, time);
        Assert.Equal(6ul, reopened.CommittedNextSequence);
        Assert.Equal(6ul, (await reopened.AppendAsync("k"u8, null, "x"u8)).Sequence);
    }

    [Fact]
    public async Task AppendAsync_SyncFails_BatchNotAcknowledgedAndNoLaterOne()
    {
        var device = new FaultInjectingDevice();
        using ShardLog log = ShardLog.Open(device, s_small);
        AppendResult durable = await log.AppendAsync("k"u8, null, "before"u8);
        device.FailNextSync = true;
        await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "lost"u8));
        Assert.True(log.IsFailed);
        await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "later"u8));
        // Reads of what was acknowledged keep working.
        Assert.Equal([durable.Sequence], LogReading.ReadAll(log).Select(r => r.Sequence));

        device.PowerLoss(new Random(1));
        using ShardLog reopened = ShardLog.Open(device, s_small);
        List<RecordModel> read = LogReading.ReadAll(reopened);
        Assert.Equal("before"u8.ToArray(), read[0].Data);
        Assert.DoesNotContain(read, r => r.Data.AsSpan().SequenceEqual("later"u8));
    }

    [Fact]
    public async Task AppendAsync_WriteFailsWithEnospc_FailStops()
    {
        var device = new FaultInjectingDevice();
        using ShardLog log = ShardLog.Open(device, s_small);
        await log.AppendAsync("k"u8, null, "ok"u8);
        device.FailNextWriteWith = FaultInjectingDevice.Enospc;
        LogFailedException e = await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "x"u8));
        Assert.Equal(FaultInjectingDevice.Enospc, Assert.IsType<StorageIOException>(e.InnerException).Errno);
        await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "y"u8));
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_Fails()
    {
        ShardLog log = ShardLog.Open(new MemoryDevice());
        log.Dispose();
        await Assert.ThrowsAsync<LogFailedException>(async () => await log.AppendAsync("k"u8, null, "x"u8));
    }

    [Fact]
    public async Task Open_BitFlipInCommittedFrame_ReportsCorruptionNamingFile()
    {
        var device = new FaultInjectingDevice();
        using (ShardLog log = ShardLog.Open(device, new ShardLogOptions()))
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync("k"u8, null, new byte[100]);
            }
        }
        string segment = SegmentDescriptor.FileName(1);
        device.FlipBit(segment, (SegmentDescriptor.HeaderLength + 200) * 8 + 3);
        LogCorruptionException e = Assert.Throws<LogCorruptionException>(() => ShardLog.Open(device, new ShardLogOptions()));
        Assert.Equal(segment, e.FileName);
    }

    [Fact]
    public async Task Read_BitFlipInSealedSegment_ThrowsCorruptionNeverReturnsData()
    {
        var device = new FaultInjectingDevice();
        using (ShardLog log = ShardLog.Open(device, s_small))
        {
            for (int i = 0; i < 100; i++)
            {
                await log.AppendAsync("k"u8, null, new byte[100]);
            }
        }
        device.FlipBit(SegmentDescriptor.FileName(1), (SegmentDescriptor.HeaderLength + 50) * 8);
        using ShardLog reopened = ShardLog.Open(device, s_small); // sealed segments are trusted by index at open
        Assert.Throws<LogCorruptionException>(() => LogReading.ReadAll(reopened));
    }

    /// <summary>
    /// Found by bit-rot seed 136961762: the first frame's sequence flipped from 1 to 0 while the log was open made the
    /// header scan that finds a read's start skip it as "older than wanted", so the read served nothing and reported
    /// nothing. Every header a scan passes must now carry the next expected sequence.
    /// </summary>
    [Theory]
    [InlineData(0, 1)] // the damaged frame is where the read starts
    [InlineData(0, 3)] // the damaged frame is skipped on the way to the start
    [InlineData(1, 3)]
    public async Task Read_SequenceBitFlippedWhileOpen_ThrowsCorruptionNeverServesNothing(int damagedFrame, ulong startSequence)
    {
        var device = new FaultInjectingDevice();
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions());
        for (int i = 0; i < 5; i++)
        {
            await log.AppendAsync("k"u8, null, new byte[100]);
        }
        int frameBytes = FrameDescriptor.AlignedLength(1, false, 100);
        long frameStart = SegmentDescriptor.HeaderLength + (damagedFrame * frameBytes);
        device.FlipBit(SegmentDescriptor.FileName(1), (frameStart + FrameDescriptor.SequenceOffset) * 8);
        Assert.Throws<LogCorruptionException>(() => LogReading.ReadAll(log, ShardLog.AtSequence(startSequence)));
    }

    [Fact]
    public async Task AtTimestamp_SequenceBitFlippedInSkippedFrame_ThrowsCorruption()
    {
        var device = new FaultInjectingDevice();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions(), time);
        for (int i = 0; i < 5; i++)
        {
            await log.AppendAsync("k"u8, null, new byte[100]);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        device.FlipBit(SegmentDescriptor.FileName(1), (SegmentDescriptor.HeaderLength + FrameDescriptor.SequenceOffset) * 8);
        Assert.Throws<LogCorruptionException>(() => log.AtTimestamp(1_700_000_003_000));
    }

    [Fact]
    public async Task Open_CorruptionReported_LeavesEveryFileUntouched()
    {
        var device = new FaultInjectingDevice();
        using (ShardLog log = ShardLog.Open(device, s_small))
        {
            for (int i = 0; i < 120; i++)
            {
                await log.AppendAsync("k"u8, null, new byte[100]);
            }
        }
        string active = device.ListFiles().Where(n => n.EndsWith(SegmentDescriptor.Extension, StringComparison.Ordinal)).Max()!;
        device.FlipBit(active, (SegmentDescriptor.HeaderLength + 10) * 8);
        var before = device.ListFiles().Order().Select(n => (n, device.LengthOf(n))).ToList();
        Assert.Throws<LogCorruptionException>(() => ShardLog.Open(device, s_small));
        var after = device.ListFiles().Order().Select(n => (n, device.LengthOf(n))).ToList();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Open_CheckpointFromNewerFormat_RefusesWithoutChangingFiles()
    {
        var device = new FaultInjectingDevice();
        using (ShardLog log = ShardLog.Open(device))
        {
            await log.AppendAsync("k"u8, null, "x"u8);
        }
        // Rewrite both slots as a future version whose minimum compatible version is 99.
        using (Runnel.Storage.Io.IStorageFile file = device.OpenFile(Runnel.Storage.Catalog.CheckpointDescriptor.FileName, create: false))
        {
            for (ulong slot = 0; slot < 2; slot++)
            {
                byte[] bytes = new byte[Runnel.Storage.Catalog.CheckpointDescriptor.SlotLength];
                file.Read(Runnel.Storage.Catalog.CheckpointDescriptor.SlotOffset(slot), bytes);
                if (!bytes.AsSpan().ContainsAnyExcept((byte)0))
                {
                    continue;
                }
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 99);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(60), Runnel.Storage.Framing.Crc32C.Compute(bytes.AsSpan(0, 60)));
                file.Write(Runnel.Storage.Catalog.CheckpointDescriptor.SlotOffset(slot), bytes);
            }
        }
        Assert.Throws<NotSupportedException>(() => ShardLog.Open(device));
    }

    [Fact]
    public async Task Read_CursorBeyondTip_ReadsThatRecordOnceItArrives()
    {
        using ShardLog log = ShardLog.Open(new MemoryDevice(), s_small);
        for (int i = 0; i < 5; i++)
        {
            await log.AppendAsync("k"u8, null, new byte[10]);
        }
        LogCursor cursor = ShardLog.AtSequence(8);
        Assert.Equal(0, log.Read(ref cursor, new byte[4096], 10).Records);
        for (int i = 0; i < 5; i++)
        {
            await log.AppendAsync("k"u8, null, new byte[10]);
        }
        byte[] buffer = new byte[4096];
        ReadResult result = log.Read(ref cursor, buffer, 10);
        Assert.Equal(3, result.Records);
        var reader = new FrameReader(buffer.AsSpan(0, result.Bytes));
        Assert.True(reader.TryNext(out Runnel.Storage.Framing.RecordFrame first));
        Assert.Equal(8ul, first.Sequence);
    }
}
