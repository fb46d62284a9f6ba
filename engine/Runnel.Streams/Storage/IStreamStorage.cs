using Runnel.Storage.Io;

namespace Runnel.Streams.Storage;

/// <summary>
/// Where a <see cref="StreamEngine"/> keeps its files: one directory for the catalog and one per shard log.
/// Paths are relative, with '/' between parts. Implementations are thread-safe.
/// </summary>
public interface IStreamStorage
{
    /// <summary>The device of a directory, created (durably) if missing.</summary>
    IStorageDevice Directory(string relativePath);

    /// <summary>Removes a directory and everything in it, durably.</summary>
    void DeleteDirectory(string relativePath);
}
