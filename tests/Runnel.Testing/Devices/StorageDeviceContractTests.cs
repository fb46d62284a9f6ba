using Runnel.Storage.Io;
using Xunit;

namespace Runnel.Testing.Devices;

/// <summary>The contract every <see cref="IStorageDevice"/> keeps; one subclass per implementation.</summary>
public abstract class StorageDeviceContractTests
{
    protected abstract IStorageDevice CreateDevice();

    /// <summary>
    /// The size of <paramref name="name"/> on the device, zeros past the data included, for devices that write a
    /// prewritten tail (<see cref="StorageFileOptions.PrewrittenTail"/>); null where the device ignores the hint.
    /// </summary>
    protected virtual long? PhysicalLength(IStorageDevice device, string name) => null;

    [Fact]
    public void PrewrittenTail_Appends_LengthAndReadsStopAtTheData()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail);
        file.Write(0, Filled(100, 7));
        file.WriteAndSync(100, Filled(50, 9));
        Assert.Equal(150, file.Length);
        byte[] buffer = new byte[8192];
        Assert.Equal(150, file.Read(0, buffer));
        Assert.Equal(Filled(100, 7), buffer[..100]);
        Assert.Equal(Filled(50, 9), buffer[100..150]);
        Assert.Equal(0, file.Read(150, buffer));
        Assert.Equal(0, file.Read(4096, buffer));
        if (PhysicalLength(device, "seg") is { } physical)
        {
            Assert.True(physical >= 64 * 1024, $"zeros written ahead: {physical} bytes on disk");
        }
    }

    [Fact]
    public void PrewrittenTail_ManyAppends_ReadBackAndZerosStayWithinOneExtension()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail);
        var random = new Random(5);
        var expected = new List<byte>();
        while (expected.Count < 600_000)
        {
            byte[] chunk = new byte[random.Next(1, 9000)];
            random.NextBytes(chunk);
            file.WriteAndSync(expected.Count, chunk);
            expected.AddRange(chunk);
            Assert.Equal(expected.Count, file.Length);
        }
        byte[] read = new byte[expected.Count + 4096];
        Assert.Equal(expected.Count, file.Read(0, read));
        Assert.Equal(expected.ToArray(), read[..expected.Count]);
        if (PhysicalLength(device, "seg") is { } physical)
        {
            Assert.InRange(physical - expected.Count, 1, (4 << 20) + 4096);
        }
    }

    [Fact]
    public void PrewrittenTail_SetLength_CutsTheZerosAndAppendsContinue()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail);
        file.Write(0, Filled(1000, 3));
        file.SetLength(300);
        file.Sync();
        Assert.Equal(300, file.Length);
        Assert.Equal(300, PhysicalLength(device, "seg") ?? 300);
        file.WriteAndSync(300, Filled(100, 4));
        Assert.Equal(400, file.Length);
        byte[] buffer = new byte[1000];
        Assert.Equal(400, file.Read(0, buffer));
        Assert.Equal(Filled(300, 3), buffer[..300]);
        Assert.Equal(Filled(100, 4), buffer[300..400]);
    }

    [Fact]
    public void PrewrittenTail_Dispose_CutsTheZerosSoReopenSeesTheData()
    {
        IStorageDevice device = CreateDevice();
        using (IStorageFile file = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail))
        {
            file.WriteAndSync(0, Filled(5000, 1));
        }
        Assert.Equal(5000, PhysicalLength(device, "seg") ?? 5000);
        using (IStorageFile plain = device.OpenFile("seg", create: false))
        {
            Assert.Equal(5000, plain.Length);
        }
        using IStorageFile again = device.OpenFile("seg", create: false, StorageFileOptions.PrewrittenTail);
        Assert.Equal(5000, again.Length);
        again.WriteAndSync(5000, Filled(10, 2));
        byte[] buffer = new byte[6000];
        Assert.Equal(5010, again.Read(0, buffer));
        Assert.Equal(Filled(10, 2), buffer[5000..5010]);
    }

    [Fact]
    public void PrewrittenTail_OpenedAgainBeforeTheCut_LengthIncludesTheZerosLeftBehind()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile writer = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail);
        writer.WriteAndSync(0, Filled(1000, 6));
        long physical = PhysicalLength(device, "seg") ?? 1000;

        // What a restart after a crash sees: the zeros are the reopening side's to cut (the log cuts them as a torn tail).
        using IStorageFile reopened = device.OpenFile("seg", create: false, StorageFileOptions.PrewrittenTail);
        Assert.Equal(physical, reopened.Length);
        byte[] bytes = new byte[physical];
        Assert.Equal(physical, reopened.Read(0, bytes));
        Assert.Equal(Filled(1000, 6), bytes[..1000]);
        Assert.True(bytes.AsSpan(1000).IndexOfAnyExcept((byte)0) < 0, "only zeros past the data");
        reopened.SetLength(1000);
        reopened.Sync();
        Assert.Equal(1000, PhysicalLength(device, "seg") ?? 1000);
    }

    [Fact]
    public void PrewrittenTail_OtherFiles_GetNoZeros()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("checkpoint", create: true);
        file.WriteAndSync(0, Filled(100, 5));
        Assert.Equal(100, file.Length);
        Assert.InRange(PhysicalLength(device, "checkpoint") ?? 100, 100, 4096); // O_DIRECT pads to its block, no more
    }

    private static byte[] Filled(int length, byte value)
    {
        byte[] bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    [Fact]
    public void SequentialReads_ScanJumpAndAppend_ReadsReturnExactlyTheBytesWritten()
    {
        // A hint to read ahead (posix_fadvise on Linux): it must never change what a read returns, whatever the
        // order of reads and appends.
        IStorageDevice device = CreateDevice();
        const StorageFileOptions Segment = StorageFileOptions.PrewrittenTail | StorageFileOptions.SequentialReads;
        using IStorageFile file = device.OpenFile("seg", create: true, Segment);
        byte[] data = Pattern(3 << 20, 11);
        file.WriteAndSync(0, data.AsSpan(0, 2 << 20));
        byte[] buffer = new byte[512 << 10];
        for (int at = 0; at < 2 << 20; at += buffer.Length)
        {
            Assert.Equal(buffer.Length, file.Read(at, buffer));
            Assert.True(buffer.AsSpan().SequenceEqual(data.AsSpan(at, buffer.Length)), $"scan at {at}");
        }
        Assert.Equal(0, file.Read(2 << 20, buffer)); // at the end, after reading ahead past it
        file.WriteAndSync(2 << 20, data.AsSpan(2 << 20));
        Assert.Equal(buffer.Length, file.Read((2 << 20) + 100, buffer)); // the bytes appended after the read-ahead
        Assert.True(buffer.AsSpan().SequenceEqual(data.AsSpan((2 << 20) + 100, buffer.Length)));
        Assert.Equal(buffer.Length, file.Read(4096, buffer)); // back to the start
        Assert.True(buffer.AsSpan().SequenceEqual(data.AsSpan(4096, buffer.Length)));
        Assert.Equal(1000, file.Read((3 << 20) - 1000, buffer)); // across the end
        Assert.True(buffer.AsSpan(0, 1000).SequenceEqual(data.AsSpan((3 << 20) - 1000)));
        Assert.Equal(3 << 20, file.Length);
    }

    [Fact]
    public void OpenFile_MissingWithoutCreate_ThrowsFileNotFound()
    {
        IStorageDevice device = CreateDevice();
        Assert.Throws<FileNotFoundException>(() => device.OpenFile("absent", create: false));
    }

    [Fact]
    public void WriteThenRead_AtOffsets_ReturnsBytesWritten()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        file.Write(0, "hello"u8);
        file.Write(10, "world"u8);
        file.Sync();
        byte[] buffer = new byte[20];
        int read = file.Read(0, buffer);
        Assert.Equal(15, read);
        Assert.Equal(15, file.Length);
        Assert.Equal("hello"u8.ToArray(), buffer[..5]);
        Assert.Equal(new byte[5], buffer[5..10]);
        Assert.Equal("world"u8.ToArray(), buffer[10..15]);
    }

    [Fact]
    public void Read_PastEnd_ReturnsZero()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        file.Write(0, "abc"u8);
        Assert.Equal(0, file.Read(3, new byte[4]));
        Assert.Equal(1, file.Read(2, new byte[4]));
    }

    [Fact]
    public void SetLength_Shorter_CutsFile()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        file.Write(0, new byte[100]);
        file.SetLength(40);
        file.Sync();
        Assert.Equal(40, file.Length);
        file.SetLength(50);
        byte[] buffer = new byte[50];
        Assert.Equal(50, file.Read(0, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void DeleteRenameList_OfFiles_AreReflected()
    {
        IStorageDevice device = CreateDevice();
        using (IStorageFile a = device.OpenFile("a", create: true))
        {
            a.Write(0, "1"u8);
        }
        using (IStorageFile b = device.OpenFile("b", create: true))
        {
            b.Write(0, "22"u8);
        }
        device.SyncDirectory();
        device.RenameFile("b", "a");
        device.SyncDirectory();
        Assert.Equal(["a"], device.ListFiles());
        using (IStorageFile a = device.OpenFile("a", create: false))
        {
            Assert.Equal(2, a.Length);
        }
        device.DeleteFile("a");
        device.SyncDirectory();
        Assert.False(device.FileExists("a"));
        Assert.Empty(device.ListFiles());
    }

    [Fact]
    public void Write_LargeBufferAtUnalignedOffset_ReadsBack()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        byte[] data = Pattern((5 << 20) + 123, seed: 7);
        file.Write(4093, data);
        file.Sync();
        Assert.Equal(4093 + data.Length, file.Length);
        byte[] back = new byte[data.Length + 4093 + 10];
        Assert.Equal(4093 + data.Length, file.Read(0, back));
        Assert.All(back[..4093], b => Assert.Equal(0, b));
        Assert.True(back.AsSpan(4093, data.Length).SequenceEqual(data));
    }

    [Fact]
    public void Write_ManySmallAppendsAtOddOffsets_ReadBackAndLengthExact()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        var model = new List<byte>();
        var random = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            byte[] chunk = Pattern(1 + random.Next(700), seed: i);
            file.Write(model.Count, chunk);
            model.AddRange(chunk);
            if (i % 17 == 0)
            {
                file.Sync();
            }
            Assert.Equal(model.Count, file.Length);
        }
        byte[] back = new byte[model.Count];
        Assert.Equal(model.Count, file.Read(0, back));
        Assert.Equal(model.ToArray(), back);
    }

    [Fact]
    public void Write_OverwriteInside_KeepsNeighbours()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        byte[] data = Pattern(10_000, seed: 3);
        file.Write(0, data);
        byte[] patch = Pattern(5000, seed: 4);
        file.Write(3001, patch);
        patch.CopyTo(data, 3001);
        byte[] back = new byte[10_000];
        Assert.Equal(10_000, file.Read(0, back));
        Assert.Equal(data, back);
        Assert.Equal(10_000, file.Length);
    }

    [Fact]
    public void Read_AcrossEnd_ReturnsBytesUpToEnd()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        byte[] data = Pattern(5000, seed: 5);
        file.Write(0, data);
        byte[] back = new byte[100];
        Assert.Equal(40, file.Read(4960, back));
        Assert.True(back.AsSpan(0, 40).SequenceEqual(data.AsSpan(4960)));
        Assert.Equal(0, file.Read(5000, back));
        Assert.Equal(0, file.Read(1 << 20, back));
    }

    [Fact]
    public void Reopen_AfterUnalignedWrites_KeepsLengthAndBytes()
    {
        IStorageDevice device = CreateDevice();
        byte[] data = Pattern(4099, seed: 9);
        using (IStorageFile file = device.OpenFile("a", create: true))
        {
            file.Write(0, data);
            file.Sync();
        }
        using (IStorageFile file = device.OpenFile("a", create: false))
        {
            Assert.Equal(4099, file.Length);
            byte[] back = new byte[5000];
            Assert.Equal(4099, file.Read(0, back));
            Assert.True(back.AsSpan(0, 4099).SequenceEqual(data));
            file.Write(4099, "tail"u8);
            Assert.Equal(4103, file.Length);
        }
    }

    [Fact]
    public void SetLength_ThenAppend_ReadsZerosNotOldBytes()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        file.Write(0, Pattern(3000, seed: 1));
        file.SetLength(1000);
        file.Write(2000, "x"u8);
        byte[] back = new byte[2001];
        Assert.Equal(2001, file.Read(0, back));
        Assert.All(back[1000..2000], b => Assert.Equal(0, b));
        Assert.Equal((byte)'x', back[2000]);
    }

    [Fact]
    public void WriteAndRead_ConcurrentDisjointRanges_AllLand()
    {
        IStorageDevice device = CreateDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        const int Threads = 6;
        const int Region = 20_000;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            byte[] region = Pattern(Region, seed: 100 + t);
            for (int offset = 0; offset < Region; offset += 1000)
            {
                file.Write(((long)t * Region) + offset, region.AsSpan(offset, 1000));
                byte[] back = new byte[1000];
                Assert.Equal(1000, file.Read(((long)t * Region) + offset, back));
                Assert.True(back.AsSpan().SequenceEqual(region.AsSpan(offset, 1000)));
            }
            file.Sync();
        });
        byte[] all = new byte[Threads * Region];
        Assert.Equal(all.Length, file.Read(0, all));
        for (int t = 0; t < Threads; t++)
        {
            Assert.True(all.AsSpan(t * Region, Region).SequenceEqual(Pattern(Region, seed: 100 + t)));
        }
    }

    [Fact]
    public void SyncGroup_FilesOfTwoDevices_SameGroupOrNone()
    {
        IStorageDevice first = CreateDevice();
        IStorageDevice second = CreateDevice();
        using IStorageFile a = first.OpenFile("a", create: true);
        using IStorageFile b = first.OpenFile("b", create: true);
        using IStorageFile c = second.OpenFile("c", create: true);

        // Files of one kind of device sync together in one barrier (or each alone), whatever directory they are in.
        Assert.Same(a.SyncGroup, b.SyncGroup);
        Assert.Same(a.SyncGroup, c.SyncGroup);
    }

    [Fact]
    public void SyncBatch_ManyFilesOfTwoDevices_NoErrorsAndEveryFileReadsBack()
    {
        IStorageDevice first = CreateDevice();
        IStorageDevice second = CreateDevice();
        var files = new List<IStorageFile>();
        try
        {
            var batch = new StorageSyncBatch();
            for (int i = 0; i < 40; i++)
            {
                IStorageFile file = (i % 2 == 0 ? first : second).OpenFile($"f{i}", create: true);
                files.Add(file);
                file.Write(0, Pattern(100 + i, seed: i));
                Assert.Equal(i, batch.Add(file));
            }

            batch.SyncAll();

            for (int i = 0; i < files.Count; i++)
            {
                Assert.Null(batch.ErrorAt(i));
                byte[] back = new byte[100 + i];
                Assert.Equal(back.Length, files[i].Read(0, back));
                Assert.Equal(Pattern(100 + i, seed: i), back);
            }
            batch.Clear();
            Assert.Equal(0, batch.Count);
        }
        finally
        {
            foreach (IStorageFile file in files)
            {
                file.Dispose();
            }
        }
    }

    /// <summary>Deterministic non-zero bytes, so a misplaced or zeroed block shows up.</summary>
    protected static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] |= 1;
        }
        return bytes;
    }
}
