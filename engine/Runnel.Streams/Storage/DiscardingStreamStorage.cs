using System.Collections.Concurrent;
using Runnel.Storage.Io;

namespace Runnel.Streams.Storage;

/// <summary>
/// Stream storage for write-only work in simulated time: the catalog lives in a <see cref="MemoryDevice"/>, shard
/// files on <see cref="DiscardingDevice"/>s that keep only their lengths. An on-demand stream can take terabytes of
/// simulated traffic without holding them. Never restart on it or read records from it. Thread-safe.
/// </summary>
public sealed class DiscardingStreamStorage : IStreamStorage
{
    private readonly ConcurrentDictionary<string, IStorageDevice> _directories = new(StringComparer.Ordinal);

    public IStorageDevice Directory(string relativePath)
        => _directories.GetOrAdd(relativePath, static path => path == "catalog" ? new MemoryDevice() : new DiscardingDevice());

    public void DeleteDirectory(string relativePath) => _directories.TryRemove(relativePath, out _);
}
