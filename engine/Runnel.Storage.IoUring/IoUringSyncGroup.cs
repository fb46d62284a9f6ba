using Runnel.Storage.Io;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// The sync group of every <see cref="IoUringFile"/> (buffered or O_DIRECT, of any <see cref="IoUringDevice"/>): one
/// submission carrying one <c>IORING_OP_FSYNC</c> (<c>IORING_FSYNC_DATASYNC</c>) per file, not linked, so the kernel
/// runs them concurrently and ext4's journal folds them into shared commits; reaped together.
/// </summary>
/// <remarks>
/// <para>Ring: an fsync names its file by descriptor, so any ring can carry it. Each calling thread (a commit loop)
/// gets a ring of its own, created on its first barrier and released by the finalizer when the thread is gone, so
/// the barrier never waits on a device ring's lock and several loops never wait on each other. More files than the
/// ring has entries go in several submissions. Where a ring cannot be set up, each file syncs on its own.</para>
/// <para>Failure: as <see cref="IoUringFile.Sync"/> per file: a failed fdatasync fails that file for good (and only
/// it); a ring that breaks mid-call fails every file of that submission, since whether their syncs ran is unknown.</para>
/// </remarks>
internal sealed class IoUringSyncGroup : IStorageSyncGroup
{
    /// <summary>Entries of a loop's barrier ring: the fdatasyncs one submission carries.</summary>
    internal const uint RingEntries = 256;

    [ThreadStatic]
    private static IoUringRing? s_ring;

    [ThreadStatic]
    private static bool s_ringUnavailable;

    private IoUringSyncGroup()
    {
    }

    public static IoUringSyncGroup Instance { get; } = new();

    public void SyncAll(ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
    {
        IoUringRing? ring = ThreadRing();
        if (ring is null)
        {
            SyncEachAlone(files, errors);
            return;
        }
        int chunk = (int)Math.Min(ring.Entries, RingEntries);
        for (int start = 0; start < files.Length; start += chunk)
        {
            int count = Math.Min(chunk, files.Length - start);
            SyncChunk(ring, files.Slice(start, count), errors.Slice(start, count));
        }
    }

    private static void SyncChunk(IoUringRing ring, ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
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
                return;
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
                return;
            }
            for (int i = 0; i < files.Length; i++)
            {
                if (slots[i] >= 0 && results[slots[i]] < 0)
                {
                    errors[i] = ((IoUringFile)files[i]).SyncFailed(-results[slots[i]]);
                }
            }
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

    private static IoUringRing? ThreadRing()
    {
        if (s_ring is { } ring)
        {
            return ring;
        }
        if (s_ringUnavailable || !IoUringRing.TryCreate(RingEntries, out ring, out _, out _))
        {
            s_ringUnavailable = true;
            return null;
        }
        return s_ring = ring;
    }
}
