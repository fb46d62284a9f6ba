using Runnel.Storage.Io;

namespace Runnel.Storage.Tests.Io;

public class FaultInjectingDeviceTests
{
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
