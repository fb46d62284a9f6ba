using Runnel.Storage;
using Runnel.Storage.Io;
using Xunit;

namespace Runnel.Testing.Devices;

/// <summary>The contract every <see cref="IStorageDevice"/> keeps; one subclass per implementation.</summary>
public abstract class StorageDeviceContractTests
{
    protected abstract IStorageDevice CreateDevice();

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
}
