namespace Runnel.Storage.Io;

/// <summary>
/// How far a device writes zeros ahead of the end of a file opened with <see cref="StorageFileOptions.PrewrittenTail"/>.
/// </summary>
/// <remarks>
/// On ext4 (and XFS) an fdatasync after a write that grew the file also commits the journal (new size, new extents):
/// 4 KiB write + fdatasync appending runs at 5-6k/s here, against 8-11k/s overwriting blocks written and synced
/// before (docs/perf-anchors 2.2). <c>fallocate</c> does not help: its unwritten extents are converted, and
/// journalled, at the first fdatasync after they are written. So when a write comes within one block of the zeros
/// written so far, the file first writes the next extension of zeros (in the same submission, ahead of the data):
/// that write's sync pays the metadata once, and the many syncs after it only flush. Extensions start at
/// <see cref="FirstExtensionBytes"/> and double up to <see cref="MaxExtensionBytes"/>, so an idle or tiny log costs
/// little and a busy one journals once per 256 KiB (the default largest extension).
/// </remarks>
public sealed record PrewrittenTailOptions
{
    /// <summary>The default: 64 KiB first, doubling to 256 KiB.</summary>
    public static PrewrittenTailOptions Default { get; } = new();

    /// <summary>The first extension of zeros (rounded up to 4 KiB).</summary>
    public int FirstExtensionBytes { get; init; } = 64 << 10;

    /// <summary>
    /// The largest extension; each extension doubles the previous one up to this. 256 KiB: the round that writes an
    /// extension waits for its zeros, and acks-64-writers' p99 ack grew with the cap: 1.2-1.5 ms at 256 KiB (as with
    /// no tail), 1.5-1.8 at 512 KiB, 1.7-2.2 at 1 MiB, 3.6-3.7 at 4 MiB (ADR 0006, "Prewritten segment tails").
    /// </summary>
    public int MaxExtensionBytes { get; init; } = 256 << 10;
}
