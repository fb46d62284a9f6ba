using Runnel.Storage.Io;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// A device decorator that counts the durability barriers (and the group commits among them) (<c>Sync</c> and <c>WriteAndSync</c>: one fdatasync each)
/// the files opened through it issue; several devices may share one <see cref="SyncCounter"/>. Every call goes to
/// the inner file unchanged (io_uring's linked write + fdatasync included).
/// </summary>
public sealed class SyncCountingDevice(IStorageDevice inner, SyncCounter counter) : IStorageDevice, IDisposable
{
    /// <inheritdoc />
    public IStorageFile OpenFile(string name, bool create) => new CountingFile(inner.OpenFile(name, create), counter);

    /// <inheritdoc />
    public bool FileExists(string name) => inner.FileExists(name);

    /// <inheritdoc />
    public void DeleteFile(string name) => inner.DeleteFile(name);

    /// <inheritdoc />
    public void RenameFile(string source, string destination) => inner.RenameFile(source, destination);

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles() => inner.ListFiles();

    /// <inheritdoc />
    public void SyncDirectory()
    {
        counter.Add();
        inner.SyncDirectory();
    }

    /// <summary>Disposes the inner device when it is disposable.</summary>
    public void Dispose() => (inner as IDisposable)?.Dispose();

    private sealed class CountingFile(IStorageFile file, SyncCounter counter) : IStorageFile
    {
        // A WriteAndSync of a segment file is a group commit (the checkpoint's sync follows it).
        private readonly bool _segment = file.Name.EndsWith(Runnel.Storage.Log.SegmentDescriptor.Extension, StringComparison.Ordinal);

        public string Name => file.Name;

        public long Length => file.Length;

        public void Write(long position, ReadOnlySpan<byte> source) => file.Write(position, source);

        public int Read(long position, Span<byte> destination) => file.Read(position, destination);

        public void Sync()
        {
            counter.Add();
            file.Sync();
        }

        public void WriteAndSync(long position, ReadOnlySpan<byte> source)
        {
            counter.Add();
            if (_segment)
            {
                counter.AddCommit();
            }
            file.WriteAndSync(position, source);
        }

        public void SetLength(long length) => file.SetLength(length);

        public void Dispose() => file.Dispose();
    }
}

/// <summary>A thread-safe count of fdatasync-equivalent calls, and of group commits (segment WriteAndSyncs) among them.</summary>
public sealed class SyncCounter
{
    private long _count;
    private long _commits;

    /// <summary>The calls counted so far.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The group commits counted so far: a segment file's WriteAndSync.</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>Counts one call.</summary>
    public void Add() => Interlocked.Increment(ref _count);

    /// <summary>Counts one group commit (also counted by <see cref="Add"/>).</summary>
    public void AddCommit() => Interlocked.Increment(ref _commits);
}
