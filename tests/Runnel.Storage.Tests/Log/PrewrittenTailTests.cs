using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// Segments written with a prewritten tail (<see cref="StorageFileOptions.PrewrittenTail"/>): a crash leaves zeros
/// past the last frame, which recovery cuts cheaply as an unacknowledged tail; a sealed segment never keeps them.
/// </summary>
public sealed class PrewrittenTailTests
{
    [Fact]
    public async Task Open_AfterPowerLossWithMiBsOfZeros_CutsThemReadingLittleAndAppends()
    {
        // Extensions of 4 MiB from the first: a crash leaves MiBs of zeros past a small log.
        var device = new FaultInjectingDevice { PrewrittenTail = new() { FirstExtensionBytes = 4 << 20, MaxExtensionBytes = 4 << 20 } };
        var sent = new List<AppendResult>();
        ShardLog log = ShardLog.Open(device);
        for (int wave = 0; wave < 2; wave++)
        {
            var pending = Enumerable.Range(0, 500).Select(i => log.AppendAsync("pk"u8, null, Payload(wave * 500 + i, 1000)).AsTask()).ToList();
            sent.AddRange(await Task.WhenAll(pending));
        }
        string segment = device.ListFiles().Single(n => n.EndsWith(SegmentDescriptor.Extension, StringComparison.Ordinal));
        device.PowerLoss(new Random(7)); // the crash: the log is never closed, its zeros stay
        long crashed = device.LengthOf(segment);
        long dataEnd = sent.Count * 1000L; // a lower bound: frames are larger than their payloads
        Assert.True(crashed > dataEnd + (3 << 20), $"{crashed} bytes on disk for about {dataEnd} of data: expected MiBs of zeros");
        log.Dispose();

        var counting = new ReadCountingDevice(device);
        using (ShardLog reopened = ShardLog.Open(counting))
        {
            long cut = device.LengthOf(segment);
            Assert.True(cut < crashed - (1 << 20), $"the zeros were not cut: {cut} of {crashed} bytes left");
            Assert.True(counting.SegmentBytesRead <= cut + (1 << 20) + 4096,
                $"recovery read {counting.SegmentBytesRead} bytes of a {cut}-byte segment: it walked the zeros");
            List<RecordModel> read = LogReading.ReadAll(reopened, maxRecords: 10_000);
            Assert.Equal(sent.Select(s => s.Sequence), read.Select(r => r.Sequence));
            AppendResult after = await reopened.AppendAsync("pk"u8, null, "after"u8);
            Assert.Equal(sent[^1].Sequence + 1, after.Sequence);
        }
        using ShardLog again = ShardLog.Open(device);
        List<RecordModel> all = LogReading.ReadAll(again, maxRecords: 10_000);
        Assert.Equal(sent.Count + 1, all.Count);
        Assert.Equal("after"u8.ToArray(), all[^1].Data);
    }

    [Fact]
    public async Task Open_RealFileEndingInZeros_CutsThemAndAppends()
    {
        using var directory = new TempDirectory();
        var sent = new List<AppendResult>();
        using (ShardLog log = ShardLog.Open(new FileDevice(directory.Path)))
        {
            for (int i = 0; i < 50; i++)
            {
                sent.Add(await log.AppendAsync("pk"u8, null, Payload(i, 300)));
            }
        }
        string segment = Directory.GetFiles(directory.Path, "*" + SegmentDescriptor.Extension).Single();
        long dataEnd = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write(new byte[3 << 20]); // what a crash leaves: the prewritten tail, made durable by a sync
        }

        using (ShardLog reopened = ShardLog.Open(new FileDevice(directory.Path)))
        {
            Assert.Equal(dataEnd, new FileInfo(segment).Length);
            Assert.Equal(sent.Select(s => s.Sequence), LogReading.ReadAll(reopened).Select(r => r.Sequence));
            AppendResult after = await reopened.AppendAsync("pk"u8, null, "after"u8);
            Assert.Equal(sent[^1].Sequence + 1, after.Sequence);
        }
        Assert.True(new FileInfo(segment).Length > dataEnd, "the append after recovery landed");
    }

    [Fact]
    public async Task Roll_SealedSegments_AreCutToTheirDataWhileTheActiveOneKeepsItsZeros()
    {
        using var directory = new TempDirectory();
        var options = new ShardLogOptions { SegmentMaxBytes = 32 * 1024, IndexIntervalBytes = 1024 };
        using ShardLog log = ShardLog.Open(new FileDevice(directory.Path), options);
        for (int i = 0; i < 200; i++)
        {
            await log.AppendAsync("pk"u8, null, Payload(i, 700));
        }
        string[] segments = [.. Directory.GetFiles(directory.Path, "*" + SegmentDescriptor.Extension).Order(StringComparer.Ordinal)];
        Assert.True(segments.Length >= 4, $"{segments.Length} segments");
        foreach (string sealedSegment in segments[..^1])
        {
            Assert.InRange(new FileInfo(sealedSegment).Length, 1, options.SegmentMaxBytes);
            Assert.False(EndsInZeroBlock(sealedSegment), $"{Path.GetFileName(sealedSegment)} keeps zeros past its data");
        }
        Assert.True(EndsInZeroBlock(segments[^1]), "the active segment has its prewritten tail");
        Assert.Equal(200, LogReading.ReadAll(log).Count);
    }

    private static byte[] Payload(int seed, int length)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        data[0] = 1; // never a zero first byte, whatever the seed
        return data;
    }

    private static bool EndsInZeroBlock(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return bytes.Length >= 4096 && bytes.AsSpan(bytes.Length - 4096).IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>Counts the bytes read from segment files, passing the open options through.</summary>
    private sealed class ReadCountingDevice(IStorageDevice inner) : IStorageDevice
    {
        private long _segmentBytesRead;

        public long SegmentBytesRead => Interlocked.Read(ref _segmentBytesRead);

        public IStorageFile OpenFile(string name, bool create) => OpenFile(name, create, StorageFileOptions.None);

        public IStorageFile OpenFile(string name, bool create, StorageFileOptions options)
        {
            IStorageFile file = inner.OpenFile(name, create, options);
            return name.EndsWith(SegmentDescriptor.Extension, StringComparison.Ordinal) ? new CountingFile(file, this) : file;
        }

        public bool FileExists(string name) => inner.FileExists(name);

        public void DeleteFile(string name) => inner.DeleteFile(name);

        public void RenameFile(string source, string destination) => inner.RenameFile(source, destination);

        public IReadOnlyList<string> ListFiles() => inner.ListFiles();

        public void SyncDirectory() => inner.SyncDirectory();

        private sealed class CountingFile(IStorageFile file, ReadCountingDevice device) : IStorageFile
        {
            public string Name => file.Name;

            public long Length => file.Length;

            public void Write(long position, ReadOnlySpan<byte> source) => file.Write(position, source);

            public int Read(long position, Span<byte> destination)
            {
                int read = file.Read(position, destination);
                Interlocked.Add(ref device._segmentBytesRead, read);
                return read;
            }

            public void Sync() => file.Sync();

            public void WriteAndSync(long position, ReadOnlySpan<byte> source) => file.WriteAndSync(position, source);

            public void SetLength(long length) => file.SetLength(length);

            public void Dispose() => file.Dispose();
        }
    }
}
