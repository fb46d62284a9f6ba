namespace Runnel.Storage.Io;

/// <summary>
/// Syncs several files in one durability barrier: the files of one kind of device that can issue their fdatasyncs
/// together (io_uring: one submission carrying one <c>IORING_OP_FSYNC</c> per file, not linked, reaped together,
/// so the file system can fold them into shared journal commits). Files name their group through
/// <see cref="IStorageFile.SyncGroup"/>; <see cref="StorageSyncBatch"/> gathers them.
/// </summary>
/// <remarks>
/// Contract: on return, every file whose <c>errors[i]</c> is null is as durable as after its own
/// <see cref="IStorageFile.Sync"/>; a file whose sync failed gets the exception its own <c>Sync</c> would have thrown
/// (and is failed as that would leave it). One file's failure never fails another's. Safe from several threads.
/// </remarks>
public interface IStorageSyncGroup
{
    /// <summary>Syncs every file of <paramref name="files"/> (all of this group); <paramref name="errors"/>[i] gets file i's failure, or null.</summary>
    void SyncAll(ReadOnlySpan<IStorageFile> files, Span<Exception?> errors);
}
