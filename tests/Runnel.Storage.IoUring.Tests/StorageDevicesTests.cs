using Runnel.Storage.Io;
using Runnel.Testing;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>The start-up choice between io_uring and the portable device, with the probe and environment injected.</summary>
public sealed class StorageDevicesTests : IDisposable
{
    private static readonly Func<IoUringAvailability> s_unavailable =
        static () => IoUringAvailability.Unavailable("io_uring_setup failed with errno 1 (EPERM: blocked by seccomp)");

    private static readonly Func<IoUringAvailability> s_available = static () => IoUringAvailability.Available;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_AutoWithIoUringUnavailable_FallsBackToFileDevice()
    {
        IStorageDevice device = StorageDevices.Create(_directory.Path, DeviceKind.Auto, new IoUringDeviceOptions(), s_unavailable, environment: null);
        Assert.IsType<FileDevice>(device);
    }

    [Fact]
    public void Create_IoUringForcedButUnavailable_ThrowsNotSupportedWithReason()
    {
        NotSupportedException e = Assert.Throws<NotSupportedException>(() =>
            StorageDevices.Create(_directory.Path, DeviceKind.IoUring, new IoUringDeviceOptions(), s_unavailable, environment: null));
        Assert.Contains("EPERM", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Portable_NeverProbes()
    {
        IStorageDevice device = StorageDevices.Create(
            _directory.Path, DeviceKind.Portable, new IoUringDeviceOptions(), () => throw new InvalidOperationException("probed"), environment: null);
        Assert.IsType<FileDevice>(device);
    }

    [Theory]
    [InlineData("portable", DeviceKind.Portable)]
    [InlineData("PORTABLE", DeviceKind.Portable)]
    [InlineData("iouring", DeviceKind.IoUring)]
    [InlineData(" io_uring ", DeviceKind.IoUring)]
    [InlineData("", DeviceKind.IoUring)]
    public void Resolve_AutoWithEnvironment_HonoursIt(string environment, DeviceKind expected)
    {
        Assert.Equal(expected, StorageDevices.Resolve(DeviceKind.Auto, s_available, environment));
    }

    [Fact]
    public void Resolve_EnvironmentIoUringButUnavailable_ThrowsNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => StorageDevices.Resolve(DeviceKind.Auto, s_unavailable, "iouring"));
    }

    [Fact]
    public void Resolve_EnvironmentDoesNotOverrideExplicitKind_PortableStays()
    {
        Assert.Equal(DeviceKind.Portable, StorageDevices.Resolve(DeviceKind.Portable, s_available, "iouring"));
    }

    [Fact]
    public void Resolve_UnknownEnvironmentValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => StorageDevices.Resolve(DeviceKind.Auto, s_available, "spdk"));
    }

    [Fact]
    public void Create_AutoOnThisMachine_MatchesProbe()
    {
        IStorageDevice device = StorageDevices.Create(
            _directory.Path, DeviceKind.Auto, new IoUringDeviceOptions(), static () => IoUringProbe.Current, environment: null);
        if (IoUringProbe.Current.IsAvailable)
        {
            Assert.IsType<IoUringDevice>(device);
            ((IDisposable)device).Dispose();
        }
        else
        {
            Assert.IsType<FileDevice>(device);
        }
    }
}
