using Runnel.Storage.Io;
using Runnel.Testing;
using Runnel.Testing.Devices;

namespace Runnel.Storage.Tests.Io;

public sealed class FileDeviceContractTests : StorageDeviceContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IStorageDevice CreateDevice() => new FileDevice(Path.Combine(_directory.Path, Guid.NewGuid().ToString("N")));

    public void Dispose() => _directory.Dispose();
}

public sealed class MemoryDeviceContractTests : StorageDeviceContractTests
{
    protected override IStorageDevice CreateDevice() => new MemoryDevice();
}

public sealed class FaultInjectingDeviceContractTests : StorageDeviceContractTests
{
    protected override IStorageDevice CreateDevice() => new FaultInjectingDevice();
}
