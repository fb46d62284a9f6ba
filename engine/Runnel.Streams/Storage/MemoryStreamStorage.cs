using System.Collections.Concurrent;
using Runnel.Storage.Io;

namespace Runnel.Streams.Storage;

/// <summary>
/// Stream storage in memory, one device per directory: <see cref="MemoryDevice"/> by default, or any device a
/// factory makes (tests pass <see cref="FaultInjectingDevice"/> to simulate power loss across every file).
/// </summary>
public sealed class MemoryStreamStorage : IStreamStorage
{
    private readonly ConcurrentDictionary<string, IStorageDevice> _directories = new(StringComparer.Ordinal);
    private readonly Func<IStorageDevice> _deviceFactory;

    public MemoryStreamStorage(Func<IStorageDevice>? deviceFactory = null)
        => _deviceFactory = deviceFactory ?? (static () => new MemoryDevice());

    /// <summary>The devices made so far, by directory.</summary>
    public IReadOnlyDictionary<string, IStorageDevice> Devices => _directories;

    public IStorageDevice Directory(string relativePath) => _directories.GetOrAdd(relativePath, _ => _deviceFactory());

    public void DeleteDirectory(string relativePath)
    {
        if (_directories.TryRemove(relativePath, out IStorageDevice? device))
        {
            foreach (string name in device.ListFiles())
            {
                device.DeleteFile(name);
            }
            device.SyncDirectory();
        }
    }
}
