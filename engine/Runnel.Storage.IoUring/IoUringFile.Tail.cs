using System.Runtime.InteropServices;
using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// The prewritten tail (<see cref="StorageFileOptions.PrewrittenTail"/>, policy in <see cref="PrewrittenTail"/>):
/// when a write comes within one block of the zeros written so far, the next extension of zeros is linked ahead of
/// the write (and its fdatasync) in the same submission, so that sync journals the new size once and the many after
/// it only flush. A failed zero write cancels the data write and the sync behind it, and fails the call.
/// </summary>
/// <remarks>
/// The logical length (<see cref="Length"/>, where reads stop) stays the data's end in both buffered and O_DIRECT
/// modes; <see cref="SetLength"/> and <see cref="Dispose"/> (best effort) cut the zeros off. Writes of a file with a
/// prewritten tail are serialized by the write lock. The zeros come from one aligned 1 MiB buffer shared by the
/// process (allocated at the first extension, never written to).
/// </remarks>
public sealed unsafe partial class IoUringFile
{
    private const int ZeroChunk = 1 << 20;
    private const int MaxZeroRequests = 4; // 4 MiB of zeros in one chain (the default largest extension, 256 KiB, takes one)

    private static readonly Lock s_zerosLock = new();
    private static byte* s_zeros;

    private void WriteBufferedWithTail(long position, ReadOnlySpan<byte> source, bool sync)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfSyncFailed();
            using var lease = new FdLease(_handle);
            long end = position + source.Length;
            Span<IoRequest> requests = stackalloc IoRequest[MaxZeroRequests + 3]; // zeros, 2 transfers, the fdatasync
            int zeros = source.IsEmpty ? 0 : AddTailZeros(lease.Fd, end, requests);
            RunWrites(lease.Fd, position, source, sync, requests, zeros);
            _physicalLength = Math.Max(_physicalLength, end);
            if (end > _length)
            {
                Volatile.Write(ref _length, end);
            }
        }
    }

    /// <summary>
    /// Puts the zeros a write ending at <paramref name="writeEnd"/> needs first at the start of
    /// <paramref name="requests"/>, linked to what follows, and returns how many (0: none needed). Zeros beyond
    /// <see cref="MaxZeroRequests"/> (or what the ring holds) are written in submissions of their own first.
    /// Under the write lock.
    /// </summary>
    private int AddTailZeros(int fd, long writeEnd, Span<IoRequest> requests)
    {
        if (!_tail.TryExtend(writeEnd, _physicalLength, out long start, out long end))
        {
            return 0;
        }
        _physicalLength = Math.Max(_physicalLength, end); // even on failure, so Dispose cuts it
        nint zeros = (nint)Zeros();
        int limit = Math.Max(1, Math.Min(MaxZeroRequests, _maxChain - 3));
        int count = 0;
        long previous = 0;
        for (long at = start; at < end; at += ZeroChunk)
        {
            if (count == limit)
            {
                // A chain of its own: the last zero write ends it.
                requests[count - 1] = IoRequest.Write(fd, zeros, (uint)Math.Min(ZeroChunk, end - previous), previous, linked: false);
                Run(requests[..count]);
                count = 0;
            }
            requests[count++] = IoRequest.Write(fd, zeros, (uint)Math.Min(ZeroChunk, end - at), at, linked: true);
            previous = at;
        }
        return count;
    }

    private void SetLengthTracked(long length)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfSyncFailed();
            using var lease = new FdLease(_handle);
            Truncate(lease.Fd, length);
            _physicalLength = length;
            Volatile.Write(ref _length, length);
        }
    }

    private static byte* Zeros()
    {
        byte* zeros = s_zeros;
        if (zeros is not null)
        {
            return zeros;
        }
        lock (s_zerosLock)
        {
            if (s_zeros is null)
            {
                byte* buffer = (byte*)NativeMemory.AlignedAlloc(ZeroChunk, IoUringDeviceOptions.DirectAlignment);
                new Span<byte>(buffer, ZeroChunk).Clear();
                s_zeros = buffer;
            }
            return s_zeros;
        }
    }
}
