using Runnel.Storage.Io;
using Xunit.Abstractions;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>
/// Whether io_uring works on this machine. Where it does not (seccomp, kernel.io_uring_disabled, not Linux), the
/// io_uring tests do not pass vacuously: they check the fallback to the portable device instead and say so.
/// </summary>
internal static class IoUringTestEnvironment
{
    public static bool IsAvailable => IoUringProbe.Current.IsAvailable;

    /// <summary>An io_uring device, or (when io_uring is unavailable) the checked portable fallback.</summary>
    public static IStorageDevice CreateDevice(string path, bool direct, bool chainsOnRing = false)
    {
        if (IsAvailable)
        {
            return new IoUringDevice(path, new IoUringDeviceOptions { Direct = direct, ChainsOnRing = chainsOnRing });
        }
        return AssertFallback(path, output: null);
    }

    /// <summary>The size on disk of a file of a device <see cref="CreateDevice"/> made (zeros past the data included).</summary>
    public static long PhysicalLength(IStorageDevice device, string name)
    {
        string directory = device switch
        {
            IoUringDevice uring => uring.DirectoryPath,
            FileDevice file => file.DirectoryPath,
            _ => throw new ArgumentException($"not a device of this environment: {device.GetType().Name}", nameof(device)),
        };
        return new FileInfo(Path.Combine(directory, name)).Length;
    }

    /// <summary>Checks that Auto falls back to <see cref="FileDevice"/> and that forcing io_uring names the reason.</summary>
    public static IStorageDevice AssertFallback(string path, ITestOutputHelper? output)
    {
        output?.WriteLine($"io_uring unavailable here ({IoUringProbe.Current.Reason}); checking the portable fallback instead.");
        IStorageDevice device = StorageDevices.Create(
            path, DeviceKind.Auto, new IoUringDeviceOptions(), static () => IoUringProbe.Current, environment: null);
        Assert.IsType<FileDevice>(device);
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => StorageDevices.Create(
            path, DeviceKind.IoUring, new IoUringDeviceOptions(), static () => IoUringProbe.Current, environment: null));
        Assert.Contains(IoUringProbe.Current.Reason, e.Message, StringComparison.Ordinal);
        return device;
    }
}
