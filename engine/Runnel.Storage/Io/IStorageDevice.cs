namespace Runnel.Storage.Io;

/// <summary>
/// A directory of files that the log writes through: the seam where file, in-memory, fault-injecting and io_uring
/// storage plug in. Names are flat (no separators).
/// </summary>
/// <remarks>
/// Durability contract: file contents are durable after <see cref="IStorageFile.Sync"/> returns; the existence of a
/// created, deleted or renamed file is durable after <see cref="SyncDirectory"/> returns. A failed sync throws
/// <see cref="StorageIOException"/>, and the caller must assume that nothing written since the last successful
/// sync is durable. Implementations are safe for concurrent use.
/// </remarks>
public interface IStorageDevice
{
    /// <summary>Opens a file, creating an empty one when <paramref name="create"/> is set and none exists.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist and <paramref name="create"/> is false.</exception>
    IStorageFile OpenFile(string name, bool create);

    /// <summary>
    /// Opens a file with a hint of how it will be written (<see cref="StorageFileOptions"/>). The default ignores
    /// the hint; devices that act on it (the file and io_uring devices, the fault-injecting disk) override it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist and <paramref name="create"/> is false.</exception>
    IStorageFile OpenFile(string name, bool create, StorageFileOptions options) => OpenFile(name, create);

    /// <summary>Whether a file of this name exists now.</summary>
    bool FileExists(string name);

    /// <summary>Removes a file; durable after <see cref="SyncDirectory"/>.</summary>
    void DeleteFile(string name);

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/>.</summary>
    void RenameFile(string source, string destination);

    /// <summary>The names of the files that exist now.</summary>
    IReadOnlyList<string> ListFiles();

    /// <summary>Makes creations, deletions and renames durable (fsync of the directory).</summary>
    void SyncDirectory();
}
