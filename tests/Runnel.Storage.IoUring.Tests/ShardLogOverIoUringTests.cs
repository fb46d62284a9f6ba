using Runnel.Storage.Catalog;
using Runnel.Storage.Framing;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>The log on the io_uring device, buffered and O_DIRECT: appends survive a clean reopen and a reopen without close.</summary>
public sealed class ShardLogOverIoUringTests : IDisposable
{
    private static readonly ShardLogOptions s_small = new() { SegmentMaxBytes = 16 * 1024, IndexIntervalBytes = 512 };

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task ShardLog_AppendsThenReopen_ReadsEveryAcknowledgedRecord(bool direct, bool closeFirst)
    {
        IStorageDevice device = IoUringTestEnvironment.CreateDevice(_directory.Path, direct);
        ShardLog log = ShardLog.Open(device, s_small);
        var sent = new List<byte[]>();
        for (int i = 0; i < 400; i++)
        {
            byte[] data = new byte[1 + (i * 37 % 900)];
            new Random(i).NextBytes(data);
            sent.Add(data);
            await log.AppendAsync("key"u8, null, data);
        }
        if (closeFirst)
        {
            log.Dispose();
        }
        else if (direct && IoUringTestEnvironment.IsAvailable)
        {
            // The 64-byte checkpoint slots are written as whole O_DIRECT blocks; the padding stays until the file is closed.
            Assert.Equal(0, new FileInfo(Path.Combine(_directory.Path, CheckpointDescriptor.FileName)).Length % IoUringDeviceOptions.DirectAlignment);
        }

        // Without close, O_DIRECT segments still end in block padding: recovery must cut it as an unacknowledged tail.
        IStorageDevice reopened = IoUringTestEnvironment.CreateDevice(_directory.Path, direct);
        using ShardLog again = ShardLog.Open(reopened, s_small);
        List<byte[]> read = ReadAll(again);
        Assert.Equal(sent.Count, read.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i], read[i]);
        }
        Assert.True(again.SegmentCount > 1, "16 KiB segments must have rolled");
        if (!closeFirst)
        {
            log.Dispose();
        }
    }

    private static List<byte[]> ReadAll(ShardLog log)
    {
        var records = new List<byte[]>();
        LogCursor cursor = log.TrimHorizon();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            ReadResult result = log.Read(ref cursor, buffer, 1000);
            var reader = new FrameReader(buffer.AsSpan(0, result.Bytes));
            while (reader.TryNext(out RecordFrame frame))
            {
                records.Add(frame.Data.ToArray());
            }
            if (result.Status == ReadStatus.Tip)
            {
                return records;
            }
        }
    }
}
