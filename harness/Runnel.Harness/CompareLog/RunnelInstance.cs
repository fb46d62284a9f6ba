using Runnel.Storage.Io;
using Runnel.Storage.IoUring;
using Runnel.Storage.Log;

namespace Runnel.Harness.CompareLog;

/// <summary>One Runnel <see cref="ShardLog"/> on its own device over one directory. Disposing closes both.</summary>
public sealed class RunnelInstance : IDisposable
{
    private readonly IStorageDevice _device;

    private RunnelInstance(IStorageDevice device, ShardLog log, DeviceKind kind)
    {
        _device = device;
        Log = log;
        Kind = kind;
    }

    /// <summary>The log.</summary>
    public ShardLog Log { get; }

    /// <summary>The device kind actually used.</summary>
    public DeviceKind Kind { get; }

    /// <summary>
    /// Opens (recovering, or creating) the log in <paramref name="directory"/> with default log options but for its
    /// append ring of <paramref name="ringBytes"/>; <paramref name="chainsOnRing"/> is <see cref="IoUringDeviceOptions.ChainsOnRing"/>.
    /// </summary>
    public static RunnelInstance Open(string directory, DeviceKind kind, bool direct, int ringBytes = ShardLogOptions.DefaultAppendRingBytes, bool chainsOnRing = false)
    {
        DeviceKind resolved = StorageDevices.Resolve(kind);
        IStorageDevice device = StorageDevices.Create(directory, resolved, new IoUringDeviceOptions { Direct = direct, ChainsOnRing = chainsOnRing });
        try
        {
            return new RunnelInstance(device, ShardLog.Open(device, new ShardLogOptions { AppendRingBytes = ringBytes }), resolved);
        }
        catch
        {
            (device as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>Closes the log, then the device.</summary>
    public void Dispose()
    {
        Log.Dispose();
        (_device as IDisposable)?.Dispose();
    }
}
