using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// The sync group of every <see cref="IoUringFile"/> (buffered or O_DIRECT, of any <see cref="IoUringDevice"/>): one
/// submission carrying one <c>IORING_OP_FSYNC</c> (<c>IORING_FSYNC_DATASYNC</c>) per file, not linked, so the kernel
/// runs them concurrently and ext4's journal folds them into shared commits; reaped together.
/// </summary>
/// <remarks>
/// <para>Ring: an fsync names its file by descriptor, so any ring can carry it. A barrier takes a ring of the group's
/// own from a small free list (made when none is free, so there are as many as barriers ever ran at once: one per
/// commit loop), and gives it back after; so a barrier never waits on a device ring's lock, and several loops never
/// wait on each other. More files than a ring has entries go in several submissions. Where a ring cannot be set up,
/// each file syncs on its own.</para>
/// <para>Failure: as <see cref="IoUringFile.Sync"/> per file: a failed fdatasync fails that file for good (and only
/// it); a ring that breaks mid-call fails every file of that submission, since whether their syncs ran is unknown.</para>
/// </remarks>
internal sealed class IoUringSyncGroup : IStorageSyncGroup
{
    /// <summary>Entries of a loop's barrier ring: the fdatasyncs one submission carries.</summary>
    internal const uint RingEntries = 256;

    private readonly Lock _ringsLock = new();
    private readonly Stack<IoUringRing> _freeRings = new();
    private bool _ringUnavailable;

    private IoUringSyncGroup()
    {
    }

    public static IoUringSyncGroup Instance { get; } = new();

    public void SyncAll(ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
    {
        int start = 0;
        while (start < files.Length)
        {
            IoUringRing? ring = RentRing();
            if (ring is null)
            {
                SyncEachAlone(files[start..], errors[start..]);
                return;
            }
            bool healthy = true;
            int chunk = (int)Math.Min(ring.Entries, RingEntries);
            while (healthy && start < files.Length)
            {
                int count = Math.Min(chunk, files.Length - start);
                healthy = SyncChunk(ring, files.Slice(start, count), errors.Slice(start, count));
                start += count;
            }
            if (healthy)
            {
                lock (_ringsLock)
                {
                    _freeRings.Push(ring);
                }
            }
            else
            {
                ring.Dispose(); // io_uring_enter failed: the ring's state is unknown; the next chunk takes another
            }
        }
    }

    /// <summary>One submission of fdatasyncs; false when the ring itself broke (every file of it is failed then).</summary>
    private static bool SyncChunk(IoUringRing ring, ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
    {
        Span<IoRequest> requests = stackalloc IoRequest[files.Length];
        Span<int> results = stackalloc int[files.Length];
        Span<int> slots = stackalloc int[files.Length]; // file i's request, or -1 when it is not in the submission
        int count = 0;
        try
        {
            for (int i = 0; i < files.Length; i++)
            {
                slots[i] = -1;
                if (files[i] is not IoUringFile file)
                {
                    errors[i] = SyncAlone(files[i]);
                    continue;
                }
                if (file.TryLeaseForSync(out int fd, out Exception? refused))
                {
                    slots[i] = count;
                    requests[count++] = IoRequest.DataSync(fd);
                }
                else
                {
                    errors[i] = refused;
                }
            }
            if (count == 0)
            {
                return true;
            }
            try
            {
                ring.Submit(requests[..count], results);
            }
            catch (StorageIOException e)
            {
                for (int i = 0; i < files.Length; i++)
                {
                    if (slots[i] >= 0)
                    {
                        errors[i] = ((IoUringFile)files[i]).SyncBroken(e);
                    }
                }
                return false;
            }
            for (int i = 0; i < files.Length; i++)
            {
                if (slots[i] >= 0 && results[slots[i]] < 0)
                {
                    errors[i] = ((IoUringFile)files[i]).SyncFailed(-results[slots[i]]);
                }
            }
            return true;
        }
        finally
        {
            for (int i = 0; i < files.Length; i++)
            {
                if (slots[i] >= 0)
                {
                    ((IoUringFile)files[i]).ReleaseSyncLease();
                }
            }
        }
    }

    private static void SyncEachAlone(ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
    {
        for (int i = 0; i < files.Length; i++)
        {
            errors[i] = SyncAlone(files[i]);
        }
    }

    private static Exception? SyncAlone(IStorageFile file)
    {
        try
        {
            file.Sync();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private IoUringRing? RentRing()
    {
        lock (_ringsLock)
        {
            if (_freeRings.TryPop(out IoUringRing? free))
            {
                return free;
            }
            if (_ringUnavailable)
            {
                return null;
            }
        }
        if (IoUringRing.TryCreate(RingEntries, out IoUringRing? ring, out _, out _))
        {
            _ = ring!.TrySetMaxBoundedWorkers(RingEntries); // every fdatasync of a submission at once (a default caps them at 4 x CPUs)
            return ring;
        }
        lock (_ringsLock)
        {
            _ringUnavailable = true;
        }
        return null;
    }
}
