namespace Runnel.Storage.Io;

/// <summary>
/// One open file of an <see cref="IStorageDevice"/>. Positional reads and writes are safe from several threads;
/// the log keeps a single writer per file by design.
/// </summary>
public interface IStorageFile : IDisposable
{
    /// <summary>The file's name within its device.</summary>
    string Name { get; }

    /// <summary>The current length in bytes (written, not necessarily durable).</summary>
    long Length { get; }

    /// <summary>Writes all of <paramref name="source"/> at <paramref name="position"/>.</summary>
    /// <exception cref="StorageIOException">The write failed (EIO, ENOSPC, ...); part of it may have landed.</exception>
    void Write(long position, ReadOnlySpan<byte> source);

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes; returns fewer only at the end of the file.</summary>
    int Read(long position, Span<byte> destination);

    /// <summary>Makes every write so far durable (fdatasync); throws on failure, never retries into success.</summary>
    /// <exception cref="StorageIOException">The sync failed; durability of recent writes is unknown.</exception>
    void Sync();

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="position"/> and makes every write so far durable. The
    /// default is <see cref="Write"/> then <see cref="Sync"/>; io_uring links the two in one submission.
    /// </summary>
    /// <exception cref="StorageIOException">The write or the sync failed; nothing may be acknowledged.</exception>
    void WriteAndSync(long position, ReadOnlySpan<byte> source)
    {
        Write(position, source);
        Sync();
    }

    /// <summary>Cuts or extends the file (recovery cuts torn tails with it); durable after <see cref="Sync"/>.</summary>
    void SetLength(long length);

    /// <summary>
    /// The group that can sync this file together with others in one barrier (io_uring: one submission of many
    /// fdatasyncs), or null when the file syncs alone (the default; the power-loss model's files do, so that each
    /// file's own sync is what it models). See <see cref="StorageSyncBatch"/>.
    /// </summary>
    IStorageSyncGroup? SyncGroup => null;
}
