using Runnel.Storage.Io;
using Runnel.Storage.Log;

namespace Runnel.Storage.Tests.Log;

/// <summary>Regressions found by the bit-rot property (BitRotScenario) on a single log.</summary>
public class MisdirectedWriteTests
{
    /// <summary>
    /// Bit-rot seed 18: the last batch's write was lost while reported successful, so the segment file ends below the
    /// committed position. The read loop got 0 bytes and retried forever (a spinning reader); now it reports the
    /// corruption, naming the segment and byte.
    /// </summary>
    [Fact]
    public async Task Read_SegmentShorterThanCommittedEnd_ThrowsCorruptionInsteadOfSpinning()
    {
        var device = new FaultInjectingDevice();
        using ShardLog log = ShardLog.Open(device);
        await log.AppendAsync("k"u8.ToArray(), null, new byte[100]);
        device.Disk.MisdirectWrite(device.Operations + 1, FaultInjectingDisk.MisdirectionKind.Lost, new Random(18));
        await log.AppendAsync("k"u8.ToArray(), null, new byte[200]);
        Assert.NotNull(device.Disk.MisdirectedWrite);

        // Guard, not a timing: the bug made this read never return.
        Task<LogCorruptionException> read = Task.Run(() => Assert.Throws<LogCorruptionException>(() => LogReading.ReadAll(log)));
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(60))));
        Assert.EndsWith(".seg", (await read).FileName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_AfterLostWriteOfAcknowledgedBatch_ReportsCorruption()
    {
        var device = new FaultInjectingDevice();
        using (ShardLog log = ShardLog.Open(device))
        {
            await log.AppendAsync("k"u8.ToArray(), null, new byte[100]);
            device.Disk.MisdirectWrite(device.Operations + 1, FaultInjectingDisk.MisdirectionKind.Lost, new Random(1));
            await log.AppendAsync("k"u8.ToArray(), null, new byte[200]);
        }
        LogCorruptionException e = Assert.Throws<LogCorruptionException>(() => ShardLog.Open(device).Dispose());
        Assert.EndsWith(".seg", e.FileName, StringComparison.Ordinal);
    }
}
