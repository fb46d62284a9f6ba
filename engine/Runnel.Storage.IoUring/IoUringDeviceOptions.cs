using Runnel.Storage.Io;

namespace Runnel.Storage.IoUring;

/// <summary>Configuration of an <see cref="IoUringDevice"/>. Immutable once the device is built.</summary>
public sealed record IoUringDeviceOptions
{
    /// <summary>The block size O_DIRECT transfers are aligned to: offsets, lengths and buffer addresses.</summary>
    public const int DirectAlignment = 4096;

    /// <summary>
    /// Open files with O_DIRECT (bypassing the page cache) where the file system supports it; files on a file
    /// system that refuses it (EINVAL) are opened buffered instead, see <see cref="IoUringFile.IsDirect"/>.
    /// </summary>
    public bool Direct { get; init; }

    /// <summary>
    /// Whether one file's chains (write, zeros ahead of it, fdatasync, all linked) are submitted to the ring (true) or
    /// run as plain <c>pwrite</c>/<c>fdatasync</c> calls on the calling thread with the same results and link
    /// semantics (false, the default). The kernel runs buffered writes and every fsync of a ring on an io-wq worker, so
    /// a chain its caller waits for is slower on the ring (two thread hand-offs; one durable commit 25-33% slower here).
    /// O_DIRECT files likewise. The batch barrier over many files (<see cref="IoUringSyncGroup"/>), whose fdatasyncs run
    /// at the same time on the ring's workers, uses the ring either way.
    /// </summary>
    public bool ChainsOnRing { get; init; }

    /// <summary>Submission queue entries of the device's ring (rounded up to a power of two by the kernel).</summary>
    public uint RingEntries { get; init; } = 64;

    /// <summary>
    /// How far files opened with <see cref="StorageFileOptions.PrewrittenTail"/> write zeros ahead of their end, in
    /// both buffered and O_DIRECT modes; null writes none (the hint is ignored).
    /// </summary>
    public PrewrittenTailOptions? PrewrittenTail { get; init; } = PrewrittenTailOptions.Default;
}
