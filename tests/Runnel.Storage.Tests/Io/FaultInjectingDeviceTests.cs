using Runnel.Storage.Io;

namespace Runnel.Storage.Tests.Io;

public class FaultInjectingDeviceTests
{
    [Fact]
    public void PrewrittenTail_ZeroWriteFails_WriteFailsAndNoDataLands()
    {
        var device = new FaultInjectingDevice();
        using IStorageFile file = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail);
        device.FailNextWriteWith = FaultInjectingDevice.Enospc; // the zeros ahead are the next write
        StorageIOException e = Assert.Throws<StorageIOException>(() => file.WriteAndSync(0, new byte[100]));
        Assert.Equal(FaultInjectingDevice.Enospc, e.Errno);
        Assert.Equal(0, file.Length);
        Assert.Equal(0, file.Read(0, new byte[100]));
        Assert.True(device.LengthOf("seg") > 100, "half of the zero write landed, past where the data would go");
    }

    [Fact]
    public void PrewrittenTail_PowerLoss_SyncedZerosSurvivePastTheData()
    {
        var device = new FaultInjectingDevice();
        IStorageFile file = device.OpenFile("seg", create: true, StorageFileOptions.PrewrittenTail);
        device.SyncDirectory();
        file.WriteAndSync(0, "durable"u8);
        long physical = device.LengthOf("seg");
        Assert.Equal(PrewrittenTailOptions.Default.FirstExtensionBytes + 4096, physical);
        device.PowerLoss(new Random(3)); // the handle is never disposed: its zeros are not cut
        using IStorageFile reopened = device.OpenFile("seg", create: false, StorageFileOptions.PrewrittenTail);
        Assert.Equal(physical, reopened.Length);
        byte[] bytes = new byte[physical];
        Assert.Equal(physical, reopened.Read(0, bytes));
        Assert.Equal("durable"u8.ToArray(), bytes[..7]);
        Assert.True(bytes.AsSpan(7).IndexOfAnyExcept((byte)0) < 0, "zeros past the data");
    }

    [Fact]
    public void PowerLoss_UnsyncedDirectoryEntry_FileVanishes()
    {
        var device = new FaultInjectingDevice();
        using (IStorageFile file = device.OpenFile("a", create: true))
        {
            file.Write(0, "data"u8);
            file.Sync();
        }
        device.PowerLoss(new Random(1));
        Assert.False(device.FileExists("a"));
    }

    [Fact]
    public void PowerLoss_SyncedWrites_Survive()
    {
        var device = new FaultInjectingDevice();
        using (IStorageFile file = device.OpenFile("a", create: true))
        {
            device.SyncDirectory();
            file.Write(0, "durable"u8);
            file.Sync();
            file.Write(7, "-volatile"u8);
        }
        for (int seed = 0; seed < 50; seed++)
        {
            var copy = new FaultInjectingDevice();
            using (IStorageFile file = copy.OpenFile("a", create: true))
            {
                copy.SyncDirectory();
                file.Write(0, "durable"u8);
                file.Sync();
                file.Write(7, "-volatile"u8);
            }
            copy.PowerLoss(new Random(seed));
            using IStorageFile after = copy.OpenFile("a", create: false);
            byte[] buffer = new byte[after.Length];
            after.Read(0, buffer);
            Assert.True(buffer.Length >= 7);
            Assert.Equal("durable"u8.ToArray(), buffer[..7]);
        }
    }

    [Fact]
    public void Sync_Injected_ThrowsEioAndDropsUnsyncedWrites()
    {
        var device = new FaultInjectingDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        file.Write(0, "x"u8);
        device.FailNextSync = true;
        StorageIOException e = Assert.Throws<StorageIOException>(file.Sync);
        Assert.Equal(FaultInjectingDevice.Eio, e.Errno);
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public void Write_InjectedEnospc_ThrowsWithErrno()
    {
        var device = new FaultInjectingDevice();
        using IStorageFile file = device.OpenFile("a", create: true);
        device.FailNextWriteWith = FaultInjectingDevice.Enospc;
        StorageIOException e = Assert.Throws<StorageIOException>(() => file.Write(0, new byte[10]));
        Assert.Equal(FaultInjectingDevice.Enospc, e.Errno);
    }

    [Fact]
    public void PowerOffAfter_Limit_EveryLaterCallFails()
    {
        var device = new FaultInjectingDevice { PowerOffAfter = 2 };
        using IStorageFile file = device.OpenFile("a", create: true); // op 1
        file.Write(0, "x"u8);                                        // op 2: power goes off after it
        Assert.True(device.IsPoweredOff);
        Assert.Throws<StorageIOException>(file.Sync);
        Assert.Throws<StorageIOException>(() => device.OpenFile("b", create: true));
    }

    [Fact]
    public void Handle_OpenedBeforePowerLoss_StaysDead()
    {
        var device = new FaultInjectingDevice();
        IStorageFile file = device.OpenFile("a", create: true);
        device.SyncDirectory();
        device.PowerLoss(new Random(3));
        Assert.Throws<StorageIOException>(() => file.Write(0, "x"u8));
    }
}

/// <summary>The whole-disk model: directory entries, shared power and misdirected writes.</summary>
public class FaultInjectingDiskTests
{
    [Fact]
    public void PowerLoss_DirectoryCreatedWithoutParentSync_VanishesWithItsSyncedFiles()
    {
        var disk = new FaultInjectingDisk();
        disk.CreateDirectory("a/b");
        FaultInjectingDevice device = disk.Device("a/b");
        using (IStorageFile file = device.OpenFile("f", create: true))
        {
            file.Write(0, "x"u8);
            file.Sync();
        }
        device.SyncDirectory();
        disk.SyncDirectory("a"); // b's entry in a is durable, a's entry in the root is not
        disk.PowerLoss(new Random(1));
        Assert.False(disk.DirectoryExists("a"));
    }

    [Fact]
    public void PowerLoss_DirectoryDeletedWithoutParentSync_ComesBack()
    {
        var disk = new FaultInjectingDisk();
        disk.CreateDirectory("a");
        disk.SyncDirectory("");
        FaultInjectingDevice device = disk.Device("a");
        using (IStorageFile file = device.OpenFile("f", create: true))
        {
            file.Write(0, "x"u8);
            file.Sync();
        }
        device.SyncDirectory();
        disk.DeleteDirectory("a");
        Assert.False(disk.DirectoryExists("a"));
        disk.PowerLoss(new Random(1));
        Assert.True(disk.Device("a").FileExists("f"));
    }

    [Fact]
    public void PowerLoss_RenameWithoutDirectorySync_IsUndone()
    {
        var device = new FaultInjectingDevice();
        foreach (string name in new[] { "old", "new.tmp" })
        {
            using IStorageFile file = device.OpenFile(name, create: true);
            file.Write(0, System.Text.Encoding.ASCII.GetBytes(name));
            file.Sync();
        }
        device.SyncDirectory();
        device.RenameFile("new.tmp", "old");
        device.PowerLoss(new Random(1));
        Assert.True(device.FileExists("new.tmp"));
        using IStorageFile kept = device.OpenFile("old", create: false);
        byte[] bytes = new byte[kept.Length];
        kept.Read(0, bytes);
        Assert.Equal("old"u8.ToArray(), bytes);
    }

    [Fact]
    public void PowerOffAfter_SharedByEveryDeviceOfTheDisk()
    {
        var disk = new FaultInjectingDisk { PowerOffAfter = 1 };
        disk.CreateDirectory("a"); // op 1: the power goes off after it
        Assert.True(disk.IsPoweredOff);
        Assert.Throws<StorageIOException>(() => disk.Device("").OpenFile("f", create: true));
        Assert.StartsWith("mkdir", disk.PowerCutAt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FaultInjectingDisk.MisdirectionKind.WrongOffset)]
    [InlineData(FaultInjectingDisk.MisdirectionKind.Lost)]
    public void MisdirectWrite_Armed_ReportsSuccessButDataIsNotWhereItWasWritten(FaultInjectingDisk.MisdirectionKind kind)
    {
        var device = new FaultInjectingDevice();
        using IStorageFile file = device.OpenFile("f", create: true);
        file.Write(0, new byte[8192]);
        device.Disk.MisdirectWrite(device.Operations + 1, kind, new Random(5));
        file.Write(4096, Enumerable.Repeat((byte)7, 100).ToArray());
        file.Sync();
        byte[] back = new byte[100];
        file.Read(4096, back);
        Assert.All(back, b => Assert.Equal(0, b));
        Assert.NotNull(device.Disk.MisdirectedWrite);
    }
}
