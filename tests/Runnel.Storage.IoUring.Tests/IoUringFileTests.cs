using System.Diagnostics;
using System.Runtime.InteropServices;
using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Interop;
using Runnel.Storage.IoUring.Ring;
using Runnel.Testing;
using Xunit.Abstractions;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>io_uring-specific behaviour: linked write + fdatasync, O_DIRECT length handling, and real kernel errors.</summary>
public sealed class IoUringFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ITestOutputHelper _output;

    public IoUringFileTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteAndSync_Appends_ReadBackWithExactLength(bool direct)
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { Direct = direct });
        using var file = (IoUringFile)device.OpenFile("segment", create: true);
        Assert.Equal(direct, file.IsDirect);
        byte[] first = Bytes(1000, 1);
        byte[] second = Bytes(70_000, 2);
        file.WriteAndSync(0, first);
        file.WriteAndSync(1000, second);
        file.WriteAndSync(71_000, []);
        Assert.Equal(71_000, file.Length);
        byte[] back = new byte[80_000];
        Assert.Equal(71_000, file.Read(0, back));
        Assert.True(back.AsSpan(0, 1000).SequenceEqual(first));
        Assert.True(back.AsSpan(1000, 70_000).SequenceEqual(second));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IoUringDevice_ChainsInline_SetsUpNoRingOfItsOwn(bool chainsOnRing)
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        // One device per shard directory: an idle ring each would be 1,024 rings at 1,024 shards.
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { ChainsOnRing = chainsOnRing });
        using (var file = (IoUringFile)device.OpenFile("segment", create: true, StorageFileOptions.PrewrittenTail))
        {
            file.WriteAndSync(0, Bytes(5000, 4));   // zeros ahead, write, fdatasync
            file.Write(5000, Bytes(100, 5));
            file.Sync();
            Assert.Equal(5100, file.Length);
        }
        Assert.Equal(chainsOnRing, device.HasRing);
    }

    [Fact]
    public void Dispose_DirectAfterUnalignedWrite_CutsBlockPaddingOff()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { Direct = true });
        string path = Path.Combine(_directory.Path, "a");
        var file = (IoUringFile)device.OpenFile("a", create: true);
        file.WriteAndSync(0, Bytes(10, 3));
        Assert.Equal(10, file.Length);
        Assert.Equal(IoUringDeviceOptions.DirectAlignment, new FileInfo(path).Length); // whole blocks on disk
        file.Dispose();
        Assert.Equal(10, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteAndSync_ReadOnlyFile_ThrowsWithEbadfNotSuccess(bool chainsOnRing)
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { ChainsOnRing = chainsOnRing });
        device.OpenFile("ro", create: true).Dispose();
        using IoUringFile file = device.Open("ro", create: false, readOnly: true);
        StorageIOException e = Assert.Throws<StorageIOException>(() => file.WriteAndSync(0, "data"u8));
        Assert.Equal(LibC.Ebadf, e.Errno);
        Assert.Equal("ro", e.FileName);
        Assert.Contains("linked fdatasync was cancelled", e.Message, StringComparison.Ordinal);
        Assert.Equal(LibC.Ebadf, Assert.Throws<StorageIOException>(() => file.Write(0, "data"u8)).Errno);
        Assert.Equal(0, file.Length);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void WriteAndSync_PrewrittenTailZeroWriteFails_FailsTheCallBeforeTheData(bool direct, bool chainsOnRing)
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { Direct = direct, ChainsOnRing = chainsOnRing });
        device.OpenFile("ro", create: true).Dispose();
        using IoUringFile file = device.Open("ro", create: false, readOnly: true, StorageFileOptions.PrewrittenTail);
        Assert.True(file.HasPrewrittenTail);
        StorageIOException e = Assert.Throws<StorageIOException>(() => file.WriteAndSync(0, "data"u8));

        // The zeros go first in the chain (64 KiB from the first block past the data): their failure cancels the rest.
        Assert.Equal(LibC.Ebadf, e.Errno);
        Assert.Contains("write of 65536 bytes to ro at 4096 failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("linked fdatasync was cancelled", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, file.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sync_OnFifo_ThrowsEinvalAndTheFileStaysFailed(bool chainsOnRing)
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        // fdatasync of a pipe fails with EINVAL: a real failed sync from the kernel, no root needed.
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(_directory.Path, "fifo")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { ChainsOnRing = chainsOnRing });
        using IStorageFile file = device.OpenFile("fifo", create: false);
        StorageIOException first = Assert.Throws<StorageIOException>(file.Sync);
        Assert.Equal(LibC.Einval, first.Errno);
        Assert.Contains("fdatasync", first.Message, StringComparison.Ordinal);

        // Never retried into success: the file is failed for good.
        Assert.Equal(LibC.Einval, Assert.Throws<StorageIOException>(file.Sync).Errno);
        Assert.Equal(LibC.Einval, Assert.Throws<StorageIOException>(() => ((IoUringFile)file).WriteAndSync(0, "x"u8)).Errno);
        Assert.Equal(LibC.Einval, Assert.Throws<StorageIOException>(() => file.Write(0, "x"u8)).Errno);
    }

    [Fact]
    public void SyncBatch_OneFileFailsAndOneIsClosed_OthersSyncAndOnlyTheFailedOneStaysFailed()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(_directory.Path, "fifo")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        using var device = new IoUringDevice(_directory.Path);
        using var other = new IoUringDevice(Path.Combine(_directory.Path, "other"), new IoUringDeviceOptions { Direct = true });
        using IStorageFile a = device.OpenFile("a", create: true);
        using IStorageFile fifo = device.OpenFile("fifo", create: false);
        using IStorageFile b = other.OpenFile("b", create: true);
        IStorageFile closed = device.OpenFile("closed", create: true);
        closed.Dispose();
        a.Write(0, "aaa"u8);
        b.Write(0, "bbb"u8);
        var batch = new StorageSyncBatch();
        batch.Add(a);
        batch.Add(fifo);
        batch.Add(closed);
        batch.Add(b);

        batch.SyncAll();

        Assert.Null(batch.ErrorAt(0));
        Assert.Equal(LibC.Einval, Assert.IsType<StorageIOException>(batch.ErrorAt(1)).Errno);
        Assert.IsType<ObjectDisposedException>(batch.ErrorAt(2));
        Assert.Null(batch.ErrorAt(3));
        // As after its own failed Sync: the failed file never succeeds again; the others go on.
        Assert.Equal(LibC.Einval, Assert.Throws<StorageIOException>(fifo.Sync).Errno);
        a.Sync();
        b.WriteAndSync(3, "b"u8);
    }

    [Fact]
    public void SyncBatch_MoreFilesThanTheRingHasEntries_EverySyncRuns()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path);
        var files = new List<IStorageFile>();
        try
        {
            var batch = new StorageSyncBatch();
            for (int i = 0; i < IoUringSyncGroup.RingEntries + 44; i++)
            {
                IStorageFile file = device.OpenFile($"f{i}", create: true);
                files.Add(file);
                file.Write(0, [(byte)i]);
                batch.Add(file);
            }

            batch.SyncAll();

            for (int i = 0; i < files.Count; i++)
            {
                Assert.Null(batch.ErrorAt(i));
            }
        }
        finally
        {
            foreach (IStorageFile file in files)
            {
                file.Dispose();
            }
        }
    }

    [Fact]
    public void RingSubmit_UnalignedDirectWrite_CompletesWithEinval()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path);
        int fd = LibC.Open(Path.Combine(_directory.Path, "d"), LibC.ORdWr | LibC.OCreat | LibC.OCloexec | LibC.ODirect, LibC.DefaultFileMode);
        Assert.True(fd >= 0, $"open failed with errno {Marshal.GetLastPInvokeError()}");
        nint buffer = Marshal.AllocHGlobal(8192);
        try
        {
            int[] results = new int[2];
            device.Ring.Submit([IoRequest.Write(fd, buffer + 1, 4096, 0, linked: true), IoRequest.DataSync(fd)], results);
            Assert.Equal(-LibC.Einval, results[0]);
            Assert.Equal(-LibC.Ecanceled, results[1]);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
            _ = LibC.Close(fd);
        }
    }

    [Fact]
    public void InlineChain_SameChainsAsTheRing_SameResults()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path);
        string path = Path.Combine(_directory.Path, "same");
        int fd = LibC.Open(path, LibC.ORdWr | LibC.OCreat | LibC.OCloexec, LibC.DefaultFileMode);
        int direct = LibC.Open(path, LibC.ORdWr | LibC.OCloexec | LibC.ODirect, LibC.DefaultFileMode);
        int readOnly = LibC.Open(path, LibC.ORdOnly | LibC.OCloexec, LibC.DefaultFileMode);
        Assert.True(fd >= 0 && direct >= 0 && readOnly >= 0, $"open failed with errno {Marshal.GetLastPInvokeError()}");
        nint buffer = Marshal.AllocHGlobal(16384);
        try
        {
            IoRequest[][] chains =
            [
                // Writes and a sync, all linked: every result is the request's.
                [IoRequest.Write(fd, buffer, 100, 0, linked: true), IoRequest.Write(fd, buffer, 300, 100, linked: true), IoRequest.DataSync(fd)],
                // A failed write (EBADF) cancels the rest of its chain, but not the next chain.
                [IoRequest.Write(readOnly, buffer, 10, 0, linked: true), IoRequest.Write(fd, buffer, 10, 0, linked: true), IoRequest.DataSync(fd),
                    IoRequest.Write(fd, buffer, 5, 400, linked: false)],
                // An unaligned O_DIRECT write fails with EINVAL; its linked sync is cancelled.
                [IoRequest.Write(direct, buffer + 1, 4096, 0, linked: true), IoRequest.DataSync(direct)],
                // Reads: whole, and short at the end of the file.
                [IoRequest.Read(fd, buffer, 100, 0), IoRequest.Read(fd, buffer, 1000, 0)],
            ];
            foreach (IoRequest[] chain in chains)
            {
                int[] onRing = new int[chain.Length];
                int[] inline = new int[chain.Length];
                device.Ring.Submit(chain, onRing);
                InlineChain.Run(chain, inline);
                Assert.Equal(onRing, inline);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
            _ = LibC.Close(fd);
            _ = LibC.Close(direct);
            _ = LibC.Close(readOnly);
        }
    }

    [Fact]
    public void RingSubmit_ChainOfDifferentLengths_EachResultMatchesItsRequest()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path);
        int fd = LibC.Open(Path.Combine(_directory.Path, "c"), LibC.ORdWr | LibC.OCreat | LibC.OCloexec, LibC.DefaultFileMode);
        nint buffer = Marshal.AllocHGlobal(1000);
        try
        {
            int[] results = new int[4];
            device.Ring.Submit(
                [
                    IoRequest.Write(fd, buffer, 100, 0, linked: true),
                    IoRequest.Write(fd, buffer, 300, 100, linked: true),
                    IoRequest.Write(fd, buffer, 7, 400, linked: true),
                    IoRequest.DataSync(fd),
                ],
                results);
            Assert.Equal([100, 300, 7, 0], results);
            device.Ring.Submit([IoRequest.Read(fd, buffer, 1000, 0)], results);
            Assert.Equal(407, results[0]);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
            _ = LibC.Close(fd);
        }
    }

    [Fact]
    public void OpenFile_Missing_ThrowsFileNotFound()
    {
        if (!IoUringTestEnvironment.IsAvailable)
        {
            IoUringTestEnvironment.AssertFallback(_directory.Path, _output);
            return;
        }
        using var device = new IoUringDevice(_directory.Path, new IoUringDeviceOptions { Direct = true });
        Assert.Throws<FileNotFoundException>(() => device.OpenFile("absent", create: false));
    }

    [Fact]
    public void Probe_OnThisMachine_ReportsAReason()
    {
        IoUringAvailability availability = IoUringProbe.Current;
        _output.WriteLine($"io_uring available: {availability.IsAvailable} ({availability.Reason})");
        Assert.False(string.IsNullOrEmpty(availability.Reason));
        Assert.Equal(availability, IoUringProbe.Run());
    }

    private static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
