using Runnel.Storage.Io;

namespace Runnel.Streams.Storage;

/// <summary>Stream storage on the file system under one root directory (the server's <c>./data</c>).</summary>
public sealed class FileStreamStorage : IStreamStorage
{
    private readonly Func<string, IStorageDevice> _deviceFactory;

    /// <summary>Stores under <paramref name="root"/>; <paramref name="deviceFactory"/> picks the device kind
    /// (default <see cref="FileDevice"/>; the io_uring device plugs in here).</summary>
    public FileStreamStorage(string root, Func<string, IStorageDevice>? deviceFactory = null)
    {
        Root = Path.GetFullPath(root);
        _deviceFactory = deviceFactory ?? (static path => new FileDevice(path));
        _ = new FileDevice(Root); // creates the root, and any missing parent, durably
    }

    /// <summary>The absolute root directory.</summary>
    public string Root { get; }

    /// <summary>Where the key service of encryption at rest keeps its key file (<c>keys/</c> under the root).</summary>
    public string KeysDirectory => Path.Combine(Root, "keys");

    public IStorageDevice Directory(string relativePath) => _deviceFactory(PathOf(relativePath));

    public void DeleteDirectory(string relativePath)
    {
        string path = PathOf(relativePath);
        if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
            string? parent = Path.GetDirectoryName(path);
            if (parent is not null)
            {
                new FileDevice(parent).SyncDirectory();
            }
        }
    }

    private string PathOf(string relativePath)
    {
        string path = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!path.StartsWith(Root, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' leaves the storage root.", nameof(relativePath));
        }
        return path;
    }
}
