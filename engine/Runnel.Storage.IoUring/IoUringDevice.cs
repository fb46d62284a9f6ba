using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Interop;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// An <see cref="IStorageDevice"/> over one directory whose file writes and fdatasyncs go through a Linux io_uring
/// on the raw syscalls (no liburing), optionally with O_DIRECT (<see cref="IoUringDeviceOptions.Direct"/>).
/// Directory operations (create, delete, rename, list, and the checked fsync of the directory) are the portable
/// <see cref="FileDevice"/>'s, on the same directory.
/// </summary>
/// <remarks>
/// Thread-safety: safe for concurrent use. For now the device has ONE ring guarded by one lock: a write, a sync or
/// a linked write + fdatasync holds it from submission to completion, so concurrent writers to different files
/// are served one after the other (reads do not take it: they are <c>pread</c> calls). A ring per writer thread
/// that batches several files per <c>io_uring_enter</c> is the next step.
/// Lifetime: dispose the device after its files; a device never disposed releases its ring in a finalizer.
/// </remarks>
public sealed class IoUringDevice : IStorageDevice, IDisposable
{
    private readonly IoUringRing _ring;
    private readonly FileDevice _directory;

    /// <summary>Opens (creating if needed, parents included) the directory at <paramref name="path"/> and sets up the ring.</summary>
    /// <exception cref="NotSupportedException">io_uring cannot be set up here (see <see cref="IoUringProbe"/>).</exception>
    public IoUringDevice(string path, IoUringDeviceOptions? options = null)
    {
        Options = options ?? new IoUringDeviceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.RingEntries, 4u, nameof(options)); // a write chain needs up to 3
        if (!OperatingSystem.IsLinux())
        {
            throw new NotSupportedException("the io_uring device runs on Linux only.");
        }
        if (!IoUringRing.TryCreate(Options.RingEntries, out IoUringRing? ring, out int errno, out string step))
        {
            throw new NotSupportedException($"the io_uring device is unavailable: {step} failed with errno {errno}.");
        }
        _ring = ring!;
        _directory = new FileDevice(path); // creates the directory (and fsyncs its parent) when missing
    }

    /// <summary>The absolute path of the directory.</summary>
    public string DirectoryPath => _directory.DirectoryPath;

    public IoUringDeviceOptions Options { get; }

    internal IoUringRing Ring => _ring;

    /// <summary>Opens a file; the result is an <see cref="IoUringFile"/> (for <see cref="IoUringFile.WriteAndSync"/>).</summary>
    public IStorageFile OpenFile(string name, bool create) => Open(name, create, readOnly: false);

    /// <summary>Opens a file; with <see cref="StorageFileOptions.PrewrittenTail"/> (and <see cref="IoUringDeviceOptions.PrewrittenTail"/> set) it writes zeros ahead of its end.</summary>
    public IStorageFile OpenFile(string name, bool create, StorageFileOptions options) =>
        Open(name, create, readOnly: false, options);

    /// <summary>
    /// Opens a file for reading and writing, or read-only (tests use that to make the kernel fail a write).
    /// O_DIRECT is asked for when <see cref="IoUringDeviceOptions.Direct"/> is set and dropped when the file
    /// system refuses it with EINVAL.
    /// </summary>
    internal IoUringFile Open(string name, bool create, bool readOnly, StorageFileOptions options = StorageFileOptions.None)
    {
        string path = PathOf(name);
        int flags = (readOnly ? LibC.ORdOnly : LibC.ORdWr) | LibC.OCloexec | (create ? LibC.OCreat : 0);
        bool direct = Options.Direct;
        int fd = LibC.Open(path, flags | (direct ? LibC.ODirect : 0), LibC.DefaultFileMode);
        int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (fd < 0 && direct && errno == LibC.Einval)
        {
            direct = false; // tmpfs and some FUSE file systems have no O_DIRECT
            fd = LibC.Open(path, flags, LibC.DefaultFileMode);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        if (fd < 0)
        {
            if (errno == LibC.Enoent)
            {
                throw new FileNotFoundException($"{name} does not exist.", path);
            }
            throw new StorageIOException($"open of {path} failed (errno {errno}).", name, errno);
        }
        PrewrittenTailOptions? tail = (options & StorageFileOptions.PrewrittenTail) != 0 ? Options.PrewrittenTail : null;
        return new IoUringFile(name, new SafeFileHandle(fd, ownsHandle: true), _ring, direct, tail, Options.ChainsOnRing);
    }

    public bool FileExists(string name) => _directory.FileExists(name);

    public void DeleteFile(string name) => _directory.DeleteFile(name);

    public void RenameFile(string source, string destination) => _directory.RenameFile(source, destination);

    public IReadOnlyList<string> ListFiles() => _directory.ListFiles();

    public void SyncDirectory() => _directory.SyncDirectory();

    /// <summary>Releases the ring; files still open fail with <see cref="ObjectDisposedException"/> afterwards.</summary>
    public void Dispose() => _ring.Dispose();

    private string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a flat file name.", nameof(name));
        }
        return Path.Combine(DirectoryPath, name);
    }
}
