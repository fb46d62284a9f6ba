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
/// Thread-safety: safe for concurrent use. By default a file's chains (zeros ahead, write, fdatasync) run as the
/// same syscalls on the calling thread (<see cref="InlineChain"/>, ADR 0006), so the device has no ring of its own
/// and concurrent writers to different files do not wait for each other; the multi-log barrier has a ring of its
/// own (<see cref="IoUringSyncGroup"/>). With <see cref="IoUringDeviceOptions.ChainsOnRing"/> the device sets up
/// ONE ring guarded by one lock: a chain holds it from submission to completion, so writers to different files are
/// served one after the other. Reads never take it: they are <c>pread</c> calls.
/// Lifetime: dispose the device after its files; a device never disposed releases its ring in a finalizer.
/// </remarks>
public sealed class IoUringDevice : IStorageDevice, IDisposable
{
    private readonly FileDevice _directory;
    private readonly Lock _ringLock = new();
    private IoUringRing? _ring;  // set up in the constructor with ChainsOnRing, else on first use of Ring (tests)
    private bool _disposed;      // under _ringLock

    /// <summary>
    /// Opens (creating if needed, parents included) the directory at <paramref name="path"/>; sets up the ring
    /// when <see cref="IoUringDeviceOptions.ChainsOnRing"/> is set.
    /// </summary>
    /// <exception cref="NotSupportedException">io_uring cannot be set up here (see <see cref="IoUringProbe"/>).</exception>
    public IoUringDevice(string path, IoUringDeviceOptions? options = null)
    {
        Options = options ?? new IoUringDeviceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.RingEntries, 4u, nameof(options)); // a write chain needs up to 3
        if (!OperatingSystem.IsLinux())
        {
            throw new NotSupportedException("the io_uring device runs on Linux only.");
        }
        if (Options.ChainsOnRing)
        {
            _ring = CreateRing();
        }
        else if (IoUringProbe.Current is { IsAvailable: false } unavailable)
        {
            // No ring of its own, but the multi-log barrier needs io_uring: refuse here as a ring set-up would.
            throw new NotSupportedException($"the io_uring device is unavailable: {unavailable.Reason}.");
        }
        _directory = new FileDevice(path); // creates the directory (and fsyncs its parent) when missing
    }

    /// <summary>The absolute path of the directory.</summary>
    public string DirectoryPath => _directory.DirectoryPath;

    public IoUringDeviceOptions Options { get; }

    /// <summary>Whether the device has set up a ring of its own (with <see cref="IoUringDeviceOptions.ChainsOnRing"/>, or for a test).</summary>
    internal bool HasRing => Volatile.Read(ref _ring) is not null;

    /// <summary>The device's ring: set up on first use unless <see cref="IoUringDeviceOptions.ChainsOnRing"/> made it already.</summary>
    internal IoUringRing Ring
    {
        get
        {
            if (Volatile.Read(ref _ring) is { } ring)
            {
                return ring;
            }
            lock (_ringLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _ring ??= CreateRing();
            }
        }
    }

    /// <summary>Opens a file; the result is an <see cref="IoUringFile"/> (for <see cref="IoUringFile.WriteAndSync"/>).</summary>
    public IStorageFile OpenFile(string name, bool create) => Open(name, create, readOnly: false);

    /// <summary>
    /// Opens a file; with <see cref="StorageFileOptions.PrewrittenTail"/> (and <see cref="IoUringDeviceOptions.PrewrittenTail"/> set) it writes
    /// zeros ahead of its end; with <see cref="StorageFileOptions.SequentialReads"/> (buffered only) the kernel reads further ahead.
    /// </summary>
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
        if (!direct && (options & StorageFileOptions.SequentialReads) != 0)
        {
            // A hint (the read-ahead window doubles); a refusal changes nothing a read returns, so it is not an error.
            _ = LibC.PosixFadvise(fd, 0, 0, LibC.PosixFadvSequential);
        }
        PrewrittenTailOptions? tail = (options & StorageFileOptions.PrewrittenTail) != 0 ? Options.PrewrittenTail : null;
        return new IoUringFile(name, new SafeFileHandle(fd, ownsHandle: true), Options.ChainsOnRing ? Ring : null, (int)Options.RingEntries, direct, tail,
            sequentialReads: (options & StorageFileOptions.SequentialReads) != 0);
    }

    public bool FileExists(string name) => _directory.FileExists(name);

    public void DeleteFile(string name) => _directory.DeleteFile(name);

    public void RenameFile(string source, string destination) => _directory.RenameFile(source, destination);

    public IReadOnlyList<string> ListFiles() => _directory.ListFiles();

    public void SyncDirectory() => _directory.SyncDirectory();

    /// <summary>Releases the ring, if one was set up; files still open fail with <see cref="ObjectDisposedException"/> on it afterwards.</summary>
    public void Dispose()
    {
        lock (_ringLock)
        {
            _disposed = true;
            _ring?.Dispose();
        }
    }

    private IoUringRing CreateRing()
    {
        if (!IoUringRing.TryCreate(Options.RingEntries, out IoUringRing? ring, out int errno, out string step))
        {
            throw new NotSupportedException($"the io_uring device is unavailable: {step} failed with errno {errno}.");
        }
        return ring!;
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
