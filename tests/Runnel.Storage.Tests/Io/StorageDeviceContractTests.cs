using Runnel.Storage.Io;
using Runnel.Testing;
using Runnel.Testing.Devices;

namespace Runnel.Storage.Tests.Io;

public sealed class FileDeviceContractTests : StorageDeviceContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IStorageDevice CreateDevice() => new FileDevice(Path.Combine(_directory.Path, Guid.NewGuid().ToString("N")));

    protected override long? PhysicalLength(IStorageDevice device, string name) =>
        new FileInfo(Path.Combine(((FileDevice)device).DirectoryPath, name)).Length;

    public void Dispose() => _directory.Dispose();
}

public sealed class MemoryDeviceContractTests : StorageDeviceContractTests
{
    protected override IStorageDevice CreateDevice() => new MemoryDevice();
}

public sealed class FaultInjectingDeviceContractTests : StorageDeviceContractTests
{
    protected override IStorageDevice CreateDevice() => new FaultInjectingDevice();

    protected override long? PhysicalLength(IStorageDevice device, string name) => ((FaultInjectingDevice)device).LengthOf(name);
}
