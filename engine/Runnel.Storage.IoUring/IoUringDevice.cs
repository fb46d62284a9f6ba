using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Interop;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// An <see cref="IStorageDevice"/> over one directory whose file writes and fdatasyncs go through a Linux io_uring
/// on the raw syscalls (no liburing), optionally with O_DIRECT (<see cref="IoUringDeviceOptions.Direct"/>).
/// Directory operations (create, delete, rename, list) use plain .NET calls; <see cref="SyncDirectory"/> is an
/// fsync of the directory with its result checked.
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
        DirectoryPath = Path.GetFullPath(path);
        if (!Directory.Exists(DirectoryPath))
        {
            Directory.CreateDirectory(DirectoryPath);
            string? parent = Path.GetDirectoryName(DirectoryPath);
            if (parent is not null)
            {
                FSyncDirectory(parent);
            }
        }
    }

    /// <summary>The absolute path of the directory.</summary>
    public string DirectoryPath { get; }

    public IoUringDeviceOptions Options { get; }

    internal IoUringRing Ring => _ring;

    /// <summary>Opens a file; the result is an <see cref="IoUringFile"/> (for <see cref="IoUringFile.WriteAndSync"/>).</summary>
    public IStorageFile OpenFile(string name, bool create) => Open(name, create, readOnly: false);

    /// <summary>
    /// Opens a file for reading and writing, or read-only (tests use that to make the kernel fail a write).
    /// O_DIRECT is asked for when <see cref="IoUringDeviceOptions.Direct"/> is set and dropped when the file
    /// system refuses it with EINVAL.
    /// </summary>
    internal IoUringFile Open(string name, bool create, bool readOnly)
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
        return new IoUringFile(name, new SafeFileHandle(fd, ownsHandle: true), _ring, direct);
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

    public void SyncDirectory() => FSyncDirectory(DirectoryPath);

    /// <summary>Releases the ring; files still open fail with <see cref="ObjectDisposedException"/> afterwards.</summary>
    public void Dispose() => _ring.Dispose();

    private static void FSyncDirectory(string path)
    {
        int fd = LibC.Open(path, LibC.ORdOnly | LibC.ODirectory | LibC.OCloexec, 0);
        if (fd < 0)
        {
            int openErrno = Marshal.GetLastPInvokeError();
            throw new StorageIOException($"open of directory {path} failed (errno {openErrno}).", path, openErrno);
        }
        try
        {
            int result;
            int errno;
            do
            {
                result = LibC.FSync(fd);
                errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            while (result != 0 && errno == LibC.Eintr);
            if (result != 0)
            {
                throw new StorageIOException($"fsync of directory {path} failed (errno {errno}).", path, errno);
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    private string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a flat file name.", nameof(name));
        }
        return Path.Combine(DirectoryPath, name);
    }
}
