using Runnel.Storage.Io;
using Runnel.Testing;
using Runnel.Testing.Devices;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>
/// The device contract for <see cref="IoUringDevice"/> with its chains submitted to the ring
/// (<see cref="IoUringDeviceOptions.ChainsOnRing"/>; the default runs them as syscalls), buffered and O_DIRECT.
/// </summary>
public sealed class IoUringRingChainsDeviceContractTests : StorageDeviceContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private int _created;

    // Alternate buffered and O_DIRECT devices, so that every contract case runs on the ring in one mode or the other.
    protected override IStorageDevice CreateDevice() =>
        IoUringTestEnvironment.CreateDevice(
            Path.Combine(_directory.Path, Guid.NewGuid().ToString("N")), direct: (_created++ & 1) == 1, chainsOnRing: true);

    protected override long? PhysicalLength(IStorageDevice device, string name) =>
        IoUringTestEnvironment.PhysicalLength(device, name);

    public void Dispose() => _directory.Dispose();
}
