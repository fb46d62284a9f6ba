namespace Runnel.Security.Audit;

/// <summary>
/// The directory the audit trail writes its files into: the seam where the server plugs in the storage layer's
/// checked <c>fdatasync</c> device and tests plug in a fault-injecting one. Names are flat (no separators).
/// </summary>
/// <remarks>Durability contract (as the storage devices'): contents are durable after <see cref="IAuditFile.Sync"/>;
/// creations and deletions after <see cref="SyncDirectory"/>. A failed sync throws and is never retried.</remarks>
public interface IAuditFiles
{
    /// <summary>Opens a file, creating an empty one when none exists.</summary>
    IAuditFile OpenOrCreate(string name);

    /// <summary>Removes a file; durable after <see cref="SyncDirectory"/>.</summary>
    void Delete(string name);

    /// <summary>The names of the files that exist now.</summary>
    IReadOnlyList<string> List();

    /// <summary>Makes creations and deletions durable (fsync of the directory).</summary>
    void SyncDirectory();
}

/// <summary>One open audit file; a single writer (the trail's loop) uses it.</summary>
public interface IAuditFile : IDisposable
{
    /// <summary>The current length in bytes (written, not necessarily durable).</summary>
    long Length { get; }

    /// <summary>Writes all of <paramref name="source"/> at <paramref name="position"/>.</summary>
    void Write(long position, ReadOnlySpan<byte> source);

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes; fewer only at the end of the file.</summary>
    int Read(long position, Span<byte> destination);

    /// <summary>Makes every write so far durable (fdatasync); throws on failure.</summary>
    void Sync();

    /// <summary>Cuts the file (a torn last line after a crash); durable after <see cref="Sync"/>.</summary>
    void SetLength(long length);
}
