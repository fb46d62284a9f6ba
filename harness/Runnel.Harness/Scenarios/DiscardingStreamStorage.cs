using System.Collections.Concurrent;
using Runnel.Storage.Io;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios;

/// <summary>
/// Stream storage for write-only scenarios in simulated time: the catalog lives in memory, shard files keep only
/// their lengths (writes are counted and dropped, reads return zeros). An on-demand stream can take terabytes of
/// simulated traffic without holding them. Never restart on it or read records from it.
/// </summary>
/// <remarks>The same idea as the streams tests' storage of that name; the harness does not reference test projects.</remarks>
public sealed class DiscardingStreamStorage : IStreamStorage
{
    private readonly ConcurrentDictionary<string, IStorageDevice> _directories = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IStorageDevice Directory(string relativePath)
        => _directories.GetOrAdd(relativePath, static path => path == "catalog" ? new MemoryDevice() : new LengthOnlyDevice());

    /// <inheritdoc/>
    public void DeleteDirectory(string relativePath) => _directories.TryRemove(relativePath, out _);
}
