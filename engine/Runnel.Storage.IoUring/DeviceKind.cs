namespace Runnel.Storage.IoUring;

/// <summary>Which <see cref="Io.IStorageDevice"/> <see cref="StorageDevices.Create(string, DeviceKind)"/> builds.</summary>
public enum DeviceKind
{
    /// <summary>io_uring when the probe finds it usable (and <c>RUNNEL_DEVICE</c> does not say otherwise), else portable.</summary>
    Auto,

    /// <summary>io_uring, or <see cref="NotSupportedException"/> with the reason it is unavailable.</summary>
    IoUring,

    /// <summary>The portable <see cref="Io.FileDevice"/> (RandomAccess + fdatasync).</summary>
    Portable,
}
