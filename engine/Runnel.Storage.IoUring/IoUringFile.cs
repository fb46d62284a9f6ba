using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Interop;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// One open file of an <see cref="IoUringDevice"/>. Writes are <c>IORING_OP_WRITE</c> and syncs are
/// <c>IORING_OP_FSYNC</c> with <c>IORING_FSYNC_DATASYNC</c>; <see cref="WriteAndSync"/> links the two
/// (<c>IOSQE_IO_LINK</c>) in one chain, submitted to the device's ring in one <c>io_uring_enter</c>
/// (<see cref="IoUringDeviceOptions.ChainsOnRing"/>) or, by default, run as the same syscalls on the calling thread
/// (<see cref="InlineChain"/>), which is faster for a chain its caller waits for. Reads are <c>pread</c> calls. With
/// <see cref="IsDirect"/> (O_DIRECT), writes go through an aligned bounce buffer; see IoUringFile.Direct.cs.
/// With a prewritten tail (<see cref="StorageFileOptions.PrewrittenTail"/>), a write that comes within a block of
/// the zeros written so far first writes the next extension of zeros, linked ahead of it in the same submission
/// (see IoUringFile.Tail.cs).
/// </summary>
/// <remarks>
/// <para>Errors: a write that fails or moves fewer bytes than asked, and a failed fdatasync, throw
/// <see cref="StorageIOException"/> (errno from <c>cqe.res</c>; 0 for a short write, whose linked fdatasync the
/// kernel cancels). Nothing is retried. Once an fdatasync has failed the file is failed for good: every later
/// write, sync or truncation throws with the same errno, because Linux may have dropped the unsynced pages and a
/// second fdatasync could return 0 without them (reads still work).</para>
/// <para>Thread-safety: positional reads and writes are safe from several threads, as the interface promises.
/// Buffers: the caller's span is pinned only for the duration of a call; nothing is kept.</para>
/// </remarks>
public sealed unsafe partial class IoUringFile : IStorageFile
{
    /// <summary>Largest single transfer; the kernel moves at most 0x7FFFF000 bytes per read or write.</summary>
    private const int MaxTransfer = 1 << 30;

    private readonly SafeFileHandle _handle;
    private readonly IoUringRing? _ring;      // chains are submitted to it; null: they run as syscalls (InlineChain)
    private readonly int _maxChain;           // the longest chain a file builds (the ring's entries, with or without a ring)
    private readonly Lock _writeLock = new(); // O_DIRECT read-modify-write of partial blocks; prewritten tail; Dispose
    private readonly bool _tracked;           // the logical length is kept in memory (O_DIRECT or a prewritten tail)
    private readonly bool _prewritten;        // a prewritten tail
    private readonly bool _sequentialReads;   // buffered, read front to back: large reads ask for the next bytes ahead
    private long _readAheadUntil;             // how far those requests reach; a hint, so racing readers may overwrite it
    private PrewrittenTail _tail;             // under _writeLock
    private long _length;                     // logical length (tracked); written under _writeLock, read with Volatile
    private long _physicalLength;             // the file's size on disk (tracked), under _writeLock
    private int _syncFailedErrno;             // non-zero once an fdatasync failed: the file never succeeds again
    private bool _disposed;

    internal IoUringFile(string name, SafeFileHandle handle, IoUringRing? ring, int maxChain, bool direct, PrewrittenTailOptions? prewrittenTail, bool sequentialReads = false)
    {
        Name = name;
        _handle = handle;
        _ring = ring;
        _maxChain = maxChain;
        IsDirect = direct;
        _sequentialReads = sequentialReads && !direct;
        _prewritten = prewrittenTail is not null;
        _tracked = direct || _prewritten;
        if (_prewritten)
        {
            _tail = new PrewrittenTail(prewrittenTail!);
        }
        if (_tracked)
        {
            _length = _physicalLength = PhysicalLength();
        }
        if (direct)
        {
            InitializeDirect();
        }
    }

    /// <summary>Frees the O_DIRECT buffers of a file that was never disposed (the handle closes itself).</summary>
    ~IoUringFile() => FreeDirectBuffers();

    public string Name { get; }

    /// <summary>Whether the file is open with O_DIRECT (asked for and accepted by the file system).</summary>
    public bool IsDirect { get; }

    /// <summary>Whether the file writes zeros ahead of its end (<see cref="StorageFileOptions.PrewrittenTail"/>).</summary>
    public bool HasPrewrittenTail => _prewritten;

    /// <summary>
    /// The length in bytes. With O_DIRECT or a prewritten tail this is the logical length kept in memory (the
    /// data's end; the file on disk may hold zeros past it until <see cref="SetLength"/> or <see cref="Dispose"/>).
    /// </summary>
    public long Length => _tracked ? Volatile.Read(ref _length) : PhysicalLength();

    public void Write(long position, ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (IsDirect)
        {
            WriteDirect(position, source, sync: false);
        }
        else
        {
            WriteBuffered(position, source, sync: false);
        }
    }

    /// <summary>
    /// Writes all of <paramref name="source"/> at <paramref name="position"/> and fdatasyncs the file, as one
    /// linked chain in one <c>io_uring_enter</c>: the fdatasync runs only if the write succeeded in full. Returns
    /// only when both succeeded; the bytes are then durable.
    /// </summary>
    /// <exception cref="StorageIOException">The write failed or was short (errno of the write; the linked fdatasync
    /// came back -ECANCELED), or the fdatasync failed (its errno; the file is failed from now on).</exception>
    public void WriteAndSync(long position, ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (IsDirect)
        {
            WriteDirect(position, source, sync: true);
        }
        else
        {
            WriteBuffered(position, source, sync: true);
        }
    }

    public int Read(long position, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (IsDirect)
        {
            return ReadDirect(position, destination);
        }
        if (_tracked)
        {
            long length = Volatile.Read(ref _length);
            if (position >= length)
            {
                return 0;
            }
            destination = destination[..(int)Math.Min(destination.Length, length - position)];
        }
        using var lease = new FdLease(_handle);
        if (_sequentialReads && destination.Length >= ReadAheadTrigger)
        {
            ReadAhead(lease.Fd, position + destination.Length);
        }
        fixed (byte* target = destination)
        {
            return PRead(lease.Fd, target, destination.Length, position, stopAtShort: false);
        }
    }

    /// <summary>A read this large is a scan (a consumer catching up, a replay): <see cref="ReadAhead"/> keeps the disk busy.</summary>
    private const int ReadAheadTrigger = 256 << 10;

    /// <summary>How far past a scan's read <see cref="ReadAhead"/> asks for; renewed when less than half of it is left.</summary>
    private const long ReadAheadWindow = 16 << 20;

    /// <summary>
    /// Asks the kernel to start reading the bytes after <paramref name="from"/> into the page cache
    /// (<c>POSIX_FADV_WILLNEED</c>: it submits the reads and returns), so that the disk reads ahead while the scan
    /// checks what it has. The kernel's own read-ahead keeps about one request in flight per reader; this keeps up to
    /// a window's worth. A hint: a refusal, or pages already cached, change nothing a read returns.
    /// </summary>
    private void ReadAhead(int fd, long from)
    {
        long until = Volatile.Read(ref _readAheadUntil);
        if (from + ReadAheadWindow / 2 <= until)
        {
            return;
        }
        long start = Math.Max(from, until);
        long end = from + ReadAheadWindow;
        Volatile.Write(ref _readAheadUntil, end);
        _ = LibC.PosixFadvise(fd, start, end - start, LibC.PosixFadvWillNeed);
    }

    public void Sync()
    {
        ThrowIfSyncFailed();
        using var lease = new FdLease(_handle);
        Run([IoRequest.DataSync(lease.Fd)]);
    }

    /// <summary>Every io_uring file syncs with the others in one submission (see <see cref="IoUringSyncGroup"/>).</summary>
    public IStorageSyncGroup SyncGroup => IoUringSyncGroup.Instance;

    /// <summary>
    /// For a batch sync: holds a reference on the handle (until <see cref="ReleaseSyncLease"/>) and gives its
    /// descriptor; false, with the exception its own <see cref="Sync"/> would throw, when the file is failed or closed.
    /// </summary>
    internal bool TryLeaseForSync(out int fd, out Exception? refused)
    {
        fd = -1;
        int errno = Volatile.Read(ref _syncFailedErrno);
        if (errno != 0)
        {
            refused = SyncFailedException(errno);
            return false;
        }
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException e)
        {
            refused = e;
            return false;
        }
        fd = (int)_handle.DangerousGetHandle();
        refused = null;
        return true;
    }

    /// <summary>Drops the reference <see cref="TryLeaseForSync"/> took.</summary>
    internal void ReleaseSyncLease() => _handle.DangerousRelease();

    /// <summary>A batch fdatasync of this file failed: the file is failed for good, as after a failed <see cref="Sync"/>.</summary>
    internal StorageIOException SyncFailed(int errno)
    {
        _ = Interlocked.CompareExchange(ref _syncFailedErrno, errno, 0);
        return new StorageIOException(
            $"fdatasync of {Name} failed (errno {errno}); nothing written since the last successful sync is known to be durable.",
            Name, errno);
    }

    /// <summary>The ring broke during a batch sync: whether this file's fdatasync ran is unknown, so it is failed.</summary>
    internal StorageIOException SyncBroken(StorageIOException cause)
    {
        _ = Interlocked.CompareExchange(ref _syncFailedErrno, cause.Errno == 0 ? 5 : cause.Errno, 0);
        return cause;
    }

    public void SetLength(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (IsDirect)
        {
            SetLengthDirect(length);
            return;
        }
        if (_prewritten)
        {
            SetLengthTracked(length);
            return;
        }
        ThrowIfSyncFailed();
        using var lease = new FdLease(_handle);
        Truncate(lease.Fd, length);
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_tracked && _physicalLength != _length && !_handle.IsClosed)
            {
                // Best effort: a failure leaves zeros past the data, which the reopening side cuts.
                _ = LibC.FTruncate((int)_handle.DangerousGetHandle(), _length);
            }
            if (IsDirect)
            {
                FreeDirectBuffers();
            }
            _handle.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    private void WriteBuffered(long position, ReadOnlySpan<byte> source, bool sync)
    {
        if (_prewritten)
        {
            WriteBufferedWithTail(position, source, sync);
            return;
        }
        ThrowIfSyncFailed();
        using var lease = new FdLease(_handle);
        Span<IoRequest> requests = stackalloc IoRequest[4]; // at most 2 transfers of 1 GiB and the fdatasync
        RunWrites(lease.Fd, position, source, sync, requests, 0);
    }

    /// <summary>
    /// Appends to the <paramref name="queued"/> requests already in <paramref name="requests"/> the writes of
    /// <paramref name="source"/> at <paramref name="position"/> (in transfers of at most 1 GiB, linked) and, with
    /// <paramref name="sync"/>, the fdatasync linked after them, then submits the chain (if it holds anything).
    /// </summary>
    private void RunWrites(int fd, long position, ReadOnlySpan<byte> source, bool sync, Span<IoRequest> requests, int queued)
    {
        int count = queued;
        fixed (byte* start = source)
        {
            for (int offset = 0; offset < source.Length; offset += MaxTransfer)
            {
                int length = Math.Min(MaxTransfer, source.Length - offset);
                bool linked = sync || offset + length < source.Length;
                requests[count++] = IoRequest.Write(fd, (nint)(start + offset), (uint)length, position + offset, linked);
            }
            if (sync)
            {
                requests[count++] = IoRequest.DataSync(fd);
            }
            if (count > 0)
            {
                Run(requests[..count]);
            }
        }
    }

    /// <summary>
    /// Runs one chain, on the ring or as syscalls on this thread (<see cref="IoUringDeviceOptions.ChainsOnRing"/>,
    /// <see cref="InlineChain"/>: same results, same link semantics), and throws on its first failure.
    /// </summary>
    private void Run(ReadOnlySpan<IoRequest> requests)
    {
        Span<int> results = stackalloc int[requests.Length];
        if (_ring is null)
        {
            InlineChain.Run(requests, results);
        }
        else
        {
            try
            {
                _ring.Submit(requests, results);
            }
            catch (StorageIOException e)
            {
                // The ring broke mid-call: whether a sync in this chain ran is unknown.
                _ = Interlocked.CompareExchange(ref _syncFailedErrno, e.Errno == 0 ? 5 : e.Errno, 0);
                throw;
            }
        }
        IoOutcome outcome = CompletionCheck.Check(requests, results, out int failed, out int errno);
        if (outcome != IoOutcome.Completed)
        {
            ThrowFailure(requests, results, outcome, failed, errno);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [DoesNotReturn]
    private void ThrowFailure(ReadOnlySpan<IoRequest> requests, ReadOnlySpan<int> results, IoOutcome outcome, int failed, int errno)
    {
        IoRequest request = requests[failed];
        if (CompletionCheck.IsSync(requests, failed))
        {
            _ = Interlocked.CompareExchange(ref _syncFailedErrno, errno, 0);
            throw new StorageIOException(
                $"fdatasync of {Name} failed (errno {errno}); nothing written since the last successful sync is known to be durable.",
                Name, errno);
        }
        bool linkedSync = failed + 1 < requests.Length && CompletionCheck.IsSync(requests, requests.Length - 1);
        string cancelled = linkedSync ? "; the linked fdatasync was cancelled" : "";
        string message = outcome == IoOutcome.ShortTransfer
            ? $"short write to {Name}: {results[failed]} of {request.Length} bytes at {request.Offset}{cancelled}."
            : $"write of {request.Length} bytes to {Name} at {request.Offset} failed (errno {errno}){cancelled}.";
        throw new StorageIOException(message, Name, errno);
    }

    private void ThrowIfSyncFailed()
    {
        int errno = Volatile.Read(ref _syncFailedErrno);
        if (errno != 0)
        {
            ThrowSyncFailed(errno);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [DoesNotReturn]
    private void ThrowSyncFailed(int errno) => throw SyncFailedException(errno);

    private StorageIOException SyncFailedException(int errno) => new(
        $"{Name} is failed: an earlier fdatasync failed (errno {errno}), so no later write or sync can be trusted.", Name, errno);

    /// <summary>pread until <paramref name="count"/> bytes or the end of the file (or the first short read, for O_DIRECT).</summary>
    private int PRead(int fd, byte* target, int count, long position, bool stopAtShort)
    {
        int total = 0;
        while (total < count)
        {
            int ask = Math.Min(MaxTransfer, count - total);
            nint read = LibC.PRead(fd, target + total, (nuint)ask, position + total);
            if (read < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.Eintr)
                {
                    continue;
                }
                throw new StorageIOException($"read of {Name} at {position + total} failed (errno {errno}).", Name, errno);
            }
            total += (int)read;
            if (read == 0 || (stopAtShort && read < ask))
            {
                break;
            }
        }
        return total;
    }

    private long PhysicalLength()
    {
        using var lease = new FdLease(_handle);
        long length = LibC.LSeek(lease.Fd, 0, LibC.SeekEnd);
        if (length < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new StorageIOException($"length of {Name} unknown (errno {errno}).", Name, errno);
        }
        return length;
    }

    private void Truncate(int fd, long length)
    {
        int result;
        int errno;
        do
        {
            result = LibC.FTruncate(fd, length);
            errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        while (result != 0 && errno == LibC.Eintr);
        if (result != 0)
        {
            throw new StorageIOException($"truncate of {Name} to {length} failed (errno {errno}).", Name, errno);
        }
    }
}
