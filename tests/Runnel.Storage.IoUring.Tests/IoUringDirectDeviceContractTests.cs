using Runnel.Storage.Io;
using Runnel.Testing;
using Runnel.Testing.Devices;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>The device contract for <see cref="IoUringDevice"/> with O_DIRECT (aligned bounce buffer, logical length).</summary>
public sealed class IoUringDirectDeviceContractTests : StorageDeviceContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IStorageDevice CreateDevice() =>
        IoUringTestEnvironment.CreateDevice(Path.Combine(_directory.Path, Guid.NewGuid().ToString("N")), direct: true);

    protected override long? PhysicalLength(IStorageDevice device, string name) =>
        IoUringTestEnvironment.PhysicalLength(device, name);

    public void Dispose() => _directory.Dispose();
}
