using System.Runtime.InteropServices;
using Runnel.Storage.IoUring.Interop;

namespace Runnel.Storage.IoUring.Ring;

/// <summary>
/// One io_uring instance on the raw syscalls: the submission ring, the completion ring and the SQE array mapped
/// into this process, and a synchronous <see cref="Submit"/> that places a chain of requests, enters the kernel
/// once, and waits for all of their completions.
/// </summary>
/// <remarks>
/// <para>Thread-safety: one lock guards the whole ring, from placing the entries to reaping the completions, so
/// concurrent callers are served one after the other and every completion in the ring at a given moment belongs
/// to the caller holding the lock. Completions are still matched by <c>user_data</c> (a per-ring counter), never
/// by position.</para>
/// <para>Memory ordering, the protocol of <c>io_uring(7)</c>: the SQE and its array slot are written with plain
/// stores, then the SQ tail is published with <c>Volatile.Write</c> (a release, pairing
/// with the kernel's acquire load of the tail). The CQ tail is read with <c>Volatile.Read</c> (an
/// acquire, pairing with the kernel's release store) before the CQEs are read, and the CQ head is released with
/// <c>Volatile.Write</c> after them, so the kernel never reuses a slot still being read.
/// Only this class writes the SQ tail and the CQ head, so their own plain loads are exact.</para>
/// <para>Failure: if the kernel refuses <c>io_uring_enter</c> with an error other than EINTR, EAGAIN or EBUSY,
/// the ring's state is unknown and it is marked broken: every later call throws. Lifetime: dispose after every
/// caller is done; a finalizer unmaps and closes a ring that was never disposed.</para>
/// </remarks>
internal sealed unsafe class IoUringRing : IDisposable
{
    private readonly Lock _lock = new();
    private readonly int _ringFd;
    private readonly byte* _sqRing;
    private readonly nuint _sqRingSize;
    private readonly byte* _cqRing;      // equals _sqRing with IORING_FEAT_SINGLE_MMAP
    private readonly nuint _cqRingSize;  // 0 with IORING_FEAT_SINGLE_MMAP
    private readonly IoUringSqe* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint* _sqArray;
    private readonly uint _sqMask;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly IoUringCqe* _cqes;
    private readonly uint _cqMask;
    private ulong _nextUserData = 1;
    private int _brokenErrno;
    private bool _disposed;

    private IoUringRing(int ringFd, in IoUringParams p, byte* sqRing, nuint sqRingSize, byte* cqRing, nuint cqRingSize, IoUringSqe* sqes, nuint sqesSize)
    {
        _ringFd = ringFd;
        _sqRing = sqRing;
        _sqRingSize = sqRingSize;
        _cqRing = cqRing;
        _cqRingSize = cqRingSize;
        _sqes = sqes;
        _sqesSize = sqesSize;
        _sqHead = (uint*)(sqRing + p.SqOff.Head);
        _sqTail = (uint*)(sqRing + p.SqOff.Tail);
        _sqArray = (uint*)(sqRing + p.SqOff.Array);
        _sqMask = *(uint*)(sqRing + p.SqOff.RingMask);
        _cqHead = (uint*)(cqRing + p.CqOff.Head);
        _cqTail = (uint*)(cqRing + p.CqOff.Tail);
        _cqes = (IoUringCqe*)(cqRing + p.CqOff.Cqes);
        _cqMask = *(uint*)(cqRing + p.CqOff.RingMask);
        Entries = p.SqEntries;
        Features = p.Features;
    }

    ~IoUringRing() => Release();

    /// <summary>The number of submission entries, the most requests one <see cref="Submit"/> may carry.</summary>
    public uint Entries { get; }

    /// <summary>The kernel's <c>IORING_FEAT_*</c> bits.</summary>
    public uint Features { get; }

    /// <summary>Sets up a ring of at least <paramref name="entries"/> entries; on failure returns false with the errno and the step that failed.</summary>
    public static bool TryCreate(uint entries, out IoUringRing? ring, out int errno, out string failedStep)
    {
        ring = null;
        IoUringParams p = default;
        long fd = LibC.Syscall(IoUringConstants.SysIoUringSetup, (nint)entries, (nint)(&p), 0, 0, 0, 0);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            failedStep = "io_uring_setup";
            return false;
        }
        int ringFd = (int)fd;
        nuint sqRingSize = p.SqOff.Array + (p.SqEntries * sizeof(uint));
        nuint cqRingSize = p.CqOff.Cqes + (p.CqEntries * (uint)sizeof(IoUringCqe));
        bool singleMap = (p.Features & IoUringConstants.FeatSingleMmap) != 0;
        if (singleMap)
        {
            sqRingSize = cqRingSize = Math.Max(sqRingSize, cqRingSize);
        }
        nuint sqesSize = p.SqEntries * (uint)sizeof(IoUringSqe);
        byte* sqRing = null;
        byte* cqRing = null;
        IoUringSqe* sqes = null;
        try
        {
            sqRing = Map(ringFd, sqRingSize, IoUringConstants.OffSqRing, out errno);
            if (sqRing is null)
            {
                failedStep = "mmap of the submission ring";
                return false;
            }
            cqRing = singleMap ? sqRing : Map(ringFd, cqRingSize, IoUringConstants.OffCqRing, out errno);
            if (cqRing is null)
            {
                failedStep = "mmap of the completion ring";
                return false;
            }
            sqes = (IoUringSqe*)Map(ringFd, sqesSize, IoUringConstants.OffSqes, out errno);
            if (sqes is null)
            {
                failedStep = "mmap of the SQE array";
                return false;
            }
            ring = new IoUringRing(ringFd, p, sqRing, sqRingSize, cqRing, singleMap ? 0 : cqRingSize, sqes, sqesSize);
            failedStep = "";
            errno = 0;
            return true;
        }
        finally
        {
            if (ring is null)
            {
                if (sqes is not null)
                {
                    _ = LibC.Munmap(sqes, sqesSize);
                }
                if (cqRing is not null && cqRing != sqRing)
                {
                    _ = LibC.Munmap(cqRing, cqRingSize);
                }
                if (sqRing is not null)
                {
                    _ = LibC.Munmap(sqRing, sqRingSize);
                }
                _ = LibC.Close(ringFd);
            }
        }
    }

    /// <summary>
    /// Submits <paramref name="requests"/> in order with one <c>io_uring_enter</c> (more only when the kernel takes
    /// fewer or a signal interrupts the wait) and waits for all of them; <paramref name="results"/>[i] receives
    /// request i's <c>cqe.res</c> (bytes moved, or -errno). Callers interpret the results with <see cref="CompletionCheck"/>.
    /// </summary>
    /// <exception cref="StorageIOException">The ring itself failed (not the operations); it is now broken.</exception>
    public void Submit(ReadOnlySpan<IoRequest> requests, Span<int> results)
    {
        if (requests.Length == 0 || requests.Length > Entries || results.Length < requests.Length)
        {
            throw new ArgumentException($"a submission carries 1 to {Entries} requests and as many results.", nameof(requests));
        }
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_brokenErrno != 0)
            {
                throw new StorageIOException($"the io_uring instance is broken (io_uring_enter failed with errno {_brokenErrno}).", null, _brokenErrno);
            }
            uint count = (uint)requests.Length;
            uint tail = *_sqTail;
            if (tail - Volatile.Read(ref *_sqHead) + count > Entries)
            {
                // Every submission waits for all of its entries, so the ring is empty between calls.
                throw new InvalidOperationException("the submission ring holds entries of an earlier call.");
            }
            ulong firstUserData = _nextUserData;
            _nextUserData += count;
            for (uint i = 0; i < count; i++)
            {
                uint slot = (tail + i) & _sqMask;
                IoUringSqe* sqe = _sqes + slot;
                *sqe = default;
                ref readonly IoRequest request = ref requests[(int)i];
                sqe->Opcode = request.Opcode;
                sqe->Flags = request.Flags;
                sqe->Fd = request.Fd;
                sqe->Offset = request.Offset;
                sqe->Address = (ulong)request.Address;
                sqe->Length = request.Length;
                sqe->OpFlags = request.OpFlags;
                sqe->UserData = firstUserData + i;
                _sqArray[slot] = slot;
            }
            Volatile.Write(ref *_sqTail, tail + count); // release: the entries above are visible before the tail

            Span<bool> done = stackalloc bool[requests.Length];
            done.Clear();
            int pending = requests.Length;
            int toSubmit = requests.Length;
            int idleRounds = 0;
            while (pending > 0)
            {
                long entered = LibC.Syscall(
                    IoUringConstants.SysIoUringEnter, _ringFd, toSubmit, pending, (nint)IoUringConstants.EnterGetEvents, 0, 0);
                if (entered < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is not (LibC.Eintr or LibC.Eagain or LibC.Ebusy))
                    {
                        _brokenErrno = errno;
                        throw new StorageIOException($"io_uring_enter failed with errno {errno}; the ring is no longer usable.", null, errno);
                    }
                }
                else
                {
                    toSubmit -= (int)entered;
                }
                int reaped = Reap(firstUserData, count, results, done);
                pending -= reaped;
                idleRounds = entered > 0 || reaped > 0 ? 0 : idleRounds + 1;
                if (idleRounds > 1000)
                {
                    _brokenErrno = LibC.Eagain;
                    throw new StorageIOException("io_uring_enter made no progress in 1000 attempts; the ring is no longer usable.", null, LibC.Eagain);
                }
                if (idleRounds > 10)
                {
                    Thread.Yield();
                }
            }
        }
    }

    /// <summary>
    /// Raises the cap on the ring's async (io-wq) workers for bounded work such as fsync (the kernel's default is
    /// min(entries, 4 x CPUs)), so that a submission of many fdatasyncs runs them all at once. False when the kernel
    /// (before 5.15) does not support it; the ring works as before then.
    /// </summary>
    public bool TrySetMaxBoundedWorkers(uint workers)
    {
        uint* counts = stackalloc uint[2];
        counts[0] = workers;
        counts[1] = 0; // unbounded: unchanged
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return LibC.Syscall(IoUringConstants.SysIoUringRegister, _ringFd, (nint)IoUringConstants.RegisterIowqMaxWorkers, (nint)counts, 2, 0, 0) >= 0;
        }
    }

    /// <summary>Whether the kernel supports <paramref name="opcode"/> (<c>IORING_REGISTER_PROBE</c>, Linux 5.6).</summary>
    public bool SupportsOpcode(byte opcode)
    {
        // struct io_uring_probe: 16-byte header (last_op, ops_len, ...) then 8-byte io_uring_probe_op entries.
        const int MaxOps = 256;
        byte* probe = stackalloc byte[16 + (MaxOps * 8)];
        new Span<byte>(probe, 16 + (MaxOps * 8)).Clear();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long result = LibC.Syscall(IoUringConstants.SysIoUringRegister, _ringFd, (nint)IoUringConstants.RegisterProbe, (nint)probe, MaxOps, 0, 0);
            if (result < 0)
            {
                return false;
            }
        }
        byte lastOp = probe[0];
        if (opcode > lastOp)
        {
            return false;
        }
        ushort flags = *(ushort*)(probe + 16 + (opcode * 8) + 2);
        return (flags & IoUringConstants.ProbeOpSupported) != 0;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Release();
            _disposed = true;
        }
        GC.SuppressFinalize(this);
    }

    private int Reap(ulong firstUserData, uint count, Span<int> results, Span<bool> done)
    {
        uint head = *_cqHead;
        uint tail = Volatile.Read(ref *_cqTail); // acquire: the CQEs up to tail are written
        int reaped = 0;
        while (head != tail)
        {
            IoUringCqe cqe = _cqes[head & _cqMask];
            ulong index = cqe.UserData - firstUserData;
            if (index < count && !done[(int)index])
            {
                results[(int)index] = cqe.Result;
                done[(int)index] = true;
                reaped++;
            }
            head++;
        }
        Volatile.Write(ref *_cqHead, head); // release: the slots are read before the kernel may reuse them
        return reaped;
    }

    private void Release()
    {
        if (_disposed)
        {
            return;
        }
        _ = LibC.Munmap(_sqes, _sqesSize);
        if (_cqRingSize != 0)
        {
            _ = LibC.Munmap(_cqRing, _cqRingSize);
        }
        _ = LibC.Munmap(_sqRing, _sqRingSize);
        _ = LibC.Close(_ringFd);
    }

    private static byte* Map(int fd, nuint size, long offset, out int errno)
    {
        void* address = LibC.Mmap(null, size, LibC.ProtRead | LibC.ProtWrite, LibC.MapShared | LibC.MapPopulate, fd, offset);
        if (address == LibC.MapFailed)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        errno = 0;
        return (byte*)address;
    }
}
