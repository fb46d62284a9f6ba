using Runnel.Storage.Io;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// A <see cref="MemoryDevice"/> whose syncs wait while the gate is closed: it holds a log's writer inside a commit,
/// so that tests can fill the ring, watch waits, and release them. Optionally every sync takes
/// <paramref name="syncDelay"/> (a slow disk); syncs of segment files are counted (one per commit round).
/// </summary>
internal sealed class GatedDevice(TimeSpan syncDelay = default) : IStorageDevice, IDisposable
{
    private readonly MemoryDevice _inner = new();
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private readonly TimeSpan _syncDelay = syncDelay;
    private int _segmentSyncs;

    /// <summary>Syncs of segment files so far.</summary>
    public int SegmentSyncs => Volatile.Read(ref _segmentSyncs);

    public void Close() => _gate.Reset();

    public void Open() => _gate.Set();

    public void Dispose() => _gate.Dispose();

    public IStorageFile OpenFile(string name, bool create) => new GatedFile(_inner.OpenFile(name, create), this);

    public bool FileExists(string name) => _inner.FileExists(name);

    public void DeleteFile(string name) => _inner.DeleteFile(name);

    public void RenameFile(string source, string destination) => _inner.RenameFile(source, destination);

    public IReadOnlyList<string> ListFiles() => _inner.ListFiles();

    public void SyncDirectory() => _inner.SyncDirectory();

    private sealed class GatedFile(IStorageFile inner, GatedDevice device) : IStorageFile
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public void Write(long position, ReadOnlySpan<byte> source) => inner.Write(position, source);

        public int Read(long position, Span<byte> destination) => inner.Read(position, destination);

        public void Sync()
        {
            device._gate.Wait();
            if (device._syncDelay > TimeSpan.Zero)
            {
                Thread.Sleep(device._syncDelay);
            }
            if (Name.EndsWith(Storage.Log.SegmentDescriptor.Extension, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref device._segmentSyncs);
            }
            inner.Sync();
        }

        public void SetLength(long length) => inner.SetLength(length);

        public void Dispose() => inner.Dispose();
    }
}
