using Runnel.Storage.Io;

namespace Runnel.Streams.Storage;

/// <summary>
/// Stream storage on one simulated <see cref="FaultInjectingDisk"/>: the same directory protocol as
/// <see cref="FileStreamStorage"/> (a created directory is made durable by an fsync of its parent, level by level;
/// a deleted one by an fsync of its parent after the removal), so that a single power cut hits the catalog, every
/// shard log and every directory entry at once. For the power-loss and bit-rot properties and the harness.
/// </summary>
public sealed class FaultInjectingStreamStorage : IStreamStorage
{
    /// <summary>Stores on <paramref name="disk"/> (a new one when null).</summary>
    public FaultInjectingStreamStorage(FaultInjectingDisk? disk = null) => Disk = disk ?? new FaultInjectingDisk();

    /// <summary>The simulated disk: power, faults and the file tree.</summary>
    public FaultInjectingDisk Disk { get; }

    public IStorageDevice Directory(string relativePath)
    {
        string[] parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 1; i <= parts.Length; i++)
        {
            string level = string.Join('/', parts[..i]);
            if (!Disk.DirectoryExists(level))
            {
                Disk.CreateDirectory(level);
                Disk.SyncDirectory(string.Join('/', parts[..(i - 1)]));
            }
        }
        return Disk.Device(relativePath);
    }

    public void DeleteDirectory(string relativePath)
    {
        if (Disk.DirectoryExists(relativePath))
        {
            Disk.DeleteDirectory(relativePath);
            string[] parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            Disk.SyncDirectory(string.Join('/', parts[..^1]));
        }
    }
}
