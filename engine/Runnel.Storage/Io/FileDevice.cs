namespace Runnel.Storage.Io;

/// <summary>
/// An <see cref="IStorageDevice"/> over one directory of the real file system: positional I/O through
/// <see cref="RandomAccess"/>, durability through <c>fdatasync</c>/<c>fsync</c> with their results checked
/// (<see cref="Native"/>). Thread-safe.
/// </summary>
public sealed class FileDevice : IStorageDevice
{
    /// <summary>
    /// Opens (creating if needed, parents included) the directory at <paramref name="path"/>. Every directory it
    /// creates is made durable by an fsync of its parent, top down: a new directory's entry is not durable until its
    /// parent is synced, and a power cut would otherwise take it, with every file in it, away.
    /// </summary>
    public FileDevice(string path)
        : this(path, null)
    {
    }

    /// <summary>As <see cref="FileDevice(string)"/>, with <paramref name="options"/> (null: the defaults).</summary>
    public FileDevice(string path, FileDeviceOptions? options)
    {
        Options = options ?? new FileDeviceOptions();
        DirectoryPath = Path.GetFullPath(path);
        if (!Directory.Exists(DirectoryPath))
        {
            var missing = new Stack<string>();
            for (string? level = DirectoryPath; level is not null && !Directory.Exists(level); level = Path.GetDirectoryName(level))
            {
                missing.Push(level);
            }
            while (missing.TryPop(out string? level))
            {
                Directory.CreateDirectory(level);
                string? parent = Path.GetDirectoryName(level);
                if (parent is not null)
                {
                    Native.FSyncDirectory(parent);
                }
            }
        }
    }

    /// <summary>The absolute path of the directory.</summary>
    public string DirectoryPath { get; }

    public FileDeviceOptions Options { get; }

    public IStorageFile OpenFile(string name, bool create) => OpenFile(name, create, StorageFileOptions.None);

    /// <summary>Opens a file; with <see cref="StorageFileOptions.PrewrittenTail"/> (and <see cref="FileDeviceOptions.PrewrittenTail"/> set) it writes zeros ahead of its end.</summary>
    public IStorageFile OpenFile(string name, bool create, StorageFileOptions options)
    {
        string path = PathOf(name);
        try
        {
            var handle = File.OpenHandle(
                path,
                create ? FileMode.OpenOrCreate : FileMode.Open,
                FileAccess.ReadWrite,
                FileShare.ReadWrite | FileShare.Delete,
                (options & StorageFileOptions.SequentialReads) != 0 ? FileOptions.SequentialScan : FileOptions.None); // SequentialScan: POSIX_FADV_SEQUENTIAL on Linux
            PrewrittenTailOptions? tail = (options & StorageFileOptions.PrewrittenTail) != 0 ? Options.PrewrittenTail : null;
            return new FileDeviceFile(name, handle, tail);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new StorageIOException($"open of {path} failed: {e.Message}", name, e.HResult & 0xFFFF, e);
        }
    }

    public bool FileExists(string name) => File.Exists(PathOf(name));

    public void DeleteFile(string name)
    {
        try
        {
            File.Delete(PathOf(name));
        }
        catch (IOException e)
        {
            throw new StorageIOException($"delete of {name} failed: {e.Message}", name, e.HResult & 0xFFFF, e);
        }
    }

    public void RenameFile(string source, string destination)
    {
        try
        {
            File.Move(PathOf(source), PathOf(destination), overwrite: true);
        }
        catch (IOException e)
        {
            throw new StorageIOException($"rename of {source} to {destination} failed: {e.Message}", source, e.HResult & 0xFFFF, e);
        }
    }

    public IReadOnlyList<string> ListFiles()
    {
        string[] paths = Directory.GetFiles(DirectoryPath);
        var names = new string[paths.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            names[i] = Path.GetFileName(paths[i]);
        }
        return names;
    }

    public void SyncDirectory() => Native.FSyncDirectory(DirectoryPath);

    private string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a flat file name.", nameof(name));
        }
        return Path.Combine(DirectoryPath, name);
    }
}
