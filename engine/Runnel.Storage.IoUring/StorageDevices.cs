using Runnel.Storage.Io;

namespace Runnel.Storage.IoUring;

/// <summary>
/// Builds the storage device at start-up: io_uring where it works, the portable <see cref="FileDevice"/> elsewhere.
/// <see cref="DeviceKind.Auto"/> reads <c>RUNNEL_DEVICE</c> (<c>iouring</c> or <c>portable</c>) first, then asks
/// <see cref="IoUringProbe"/>. Thread-safe.
/// </summary>
public static class StorageDevices
{
    /// <summary>The environment variable that overrides <see cref="DeviceKind.Auto"/>: <c>iouring</c> or <c>portable</c>.</summary>
    public const string EnvironmentVariable = "RUNNEL_DEVICE";

    /// <summary>A device over the directory at <paramref name="path"/> (created if needed), with default io_uring options.</summary>
    /// <exception cref="NotSupportedException">io_uring was required (by <paramref name="kind"/> or the environment) but is unavailable.</exception>
    public static IStorageDevice Create(string path, DeviceKind kind) => Create(path, kind, new IoUringDeviceOptions());

    /// <summary>A device over the directory at <paramref name="path"/>; <paramref name="options"/> apply when io_uring is chosen.</summary>
    /// <exception cref="NotSupportedException">io_uring was required (by <paramref name="kind"/> or the environment) but is unavailable.</exception>
    public static IStorageDevice Create(string path, DeviceKind kind, IoUringDeviceOptions options) =>
        Create(path, kind, options, static () => IoUringProbe.Current, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The kind <see cref="Create(string, DeviceKind)"/> would build now: <see cref="DeviceKind.IoUring"/> or <see cref="DeviceKind.Portable"/>.</summary>
    public static DeviceKind Resolve(DeviceKind kind) =>
        Resolve(kind, static () => IoUringProbe.Current, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The factory with its probe and environment injected (tests force io_uring to look unavailable).</summary>
    internal static IStorageDevice Create(
        string path, DeviceKind kind, IoUringDeviceOptions options, Func<IoUringAvailability> probe, string? environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Resolve(kind, probe, environment) == DeviceKind.IoUring
            ? new IoUringDevice(path, options)
            : new FileDevice(path, new FileDeviceOptions { PrewrittenTail = options.PrewrittenTail });
    }

    internal static DeviceKind Resolve(DeviceKind kind, Func<IoUringAvailability> probe, string? environment)
    {
        if (kind == DeviceKind.Auto && !string.IsNullOrWhiteSpace(environment))
        {
            kind = environment.Trim().ToUpperInvariant() switch
            {
                "IOURING" or "IO_URING" => DeviceKind.IoUring,
                "PORTABLE" or "FILE" => DeviceKind.Portable,
                _ => throw new ArgumentException(
                    $"{EnvironmentVariable}='{environment}' is not one of iouring, portable.", nameof(environment)),
            };
        }
        switch (kind)
        {
            case DeviceKind.Portable:
                return DeviceKind.Portable;
            case DeviceKind.IoUring:
                IoUringAvailability required = probe();
                return required.IsAvailable
                    ? DeviceKind.IoUring
                    : throw new NotSupportedException($"the io_uring device is unavailable: {required.Reason}");
            case DeviceKind.Auto:
                return probe().IsAvailable ? DeviceKind.IoUring : DeviceKind.Portable;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown device kind");
        }
    }
}
