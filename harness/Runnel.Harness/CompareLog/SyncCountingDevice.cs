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
    public IStorageFile OpenFile(string name, bool create, StorageFileOptions options) =>
        new CountingFile(inner.OpenFile(name, create, options), counter);

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

        // Batch syncs go through a counting wrapper of the inner file's group, so they are counted too.
        public IStorageSyncGroup? SyncGroup { get; } = file.SyncGroup is { } group ? counter.Wrap(group) : null;

        public bool IsSegment => _segment;

        public IStorageFile Inner => file;

        public void Dispose() => file.Dispose();
    }

    /// <summary>Counts each file of a batch sync as one fdatasync (a segment's as a group commit), and the batch as one barrier.</summary>
    internal sealed class CountingGroup(IStorageSyncGroup inner, SyncCounter counter) : IStorageSyncGroup
    {
        public void SyncAll(ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
        {
            IStorageFile[] unwrapped = System.Buffers.ArrayPool<IStorageFile>.Shared.Rent(files.Length);
            try
            {
                counter.AddBarrier();
                for (int i = 0; i < files.Length; i++)
                {
                    var counting = (CountingFile)files[i];
                    counter.Add();
                    if (counting.IsSegment)
                    {
                        counter.AddCommit();
                    }
                    unwrapped[i] = counting.Inner;
                }
                inner.SyncAll(unwrapped.AsSpan(0, files.Length), errors);
            }
            finally
            {
                Array.Clear(unwrapped, 0, files.Length);
                System.Buffers.ArrayPool<IStorageFile>.Shared.Return(unwrapped);
            }
        }
    }
}

/// <summary>
/// A thread-safe count of fdatasync-equivalent calls, of group commits (segment syncs) among them, and of batch
/// barriers (one submission syncing several files, see <see cref="IStorageSyncGroup"/>).
/// </summary>
public sealed class SyncCounter
{
    private readonly Lock _groupsLock = new();
    private readonly Dictionary<IStorageSyncGroup, IStorageSyncGroup> _groups = new(ReferenceEqualityComparer.Instance);
    private long _count;
    private long _commits;
    private long _barriers;

    /// <summary>The batch barriers counted so far (each also counts its files as fdatasyncs).</summary>
    public long Barriers => Volatile.Read(ref _barriers);

    /// <summary>Counts one batch barrier.</summary>
    public void AddBarrier() => Interlocked.Increment(ref _barriers);

    /// <summary>The counting wrapper of <paramref name="group"/>: one per inner group, so files that sync together still do.</summary>
    internal IStorageSyncGroup Wrap(IStorageSyncGroup group)
    {
        lock (_groupsLock)
        {
            if (!_groups.TryGetValue(group, out IStorageSyncGroup? wrapper))
            {
                wrapper = new SyncCountingDevice.CountingGroup(group, this);
                _groups.Add(group, wrapper);
            }
            return wrapper;
        }
    }

    /// <summary>The calls counted so far.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The group commits counted so far: a segment file's WriteAndSync.</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>Counts one call.</summary>
    public void Add() => Interlocked.Increment(ref _count);

    /// <summary>Counts one group commit (also counted by <see cref="Add"/>).</summary>
    public void AddCommit() => Interlocked.Increment(ref _commits);
}
