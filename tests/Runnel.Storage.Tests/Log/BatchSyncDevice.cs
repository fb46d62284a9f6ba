using Runnel.Storage.Io;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// A <see cref="MemoryDevice"/> whose files belong to one <see cref="Group"/> shared by every device made with it, so
/// that tests can see how many barriers a commit loop issues and how many files each carries.
/// </summary>
internal sealed class BatchSyncDevice(BatchSyncDevice.Group group) : IStorageDevice
{
    private readonly MemoryDevice _inner = new();

    public IStorageFile OpenFile(string name, bool create) => new GroupedFile(_inner.OpenFile(name, create), group);

    public bool FileExists(string name) => _inner.FileExists(name);

    public void DeleteFile(string name) => _inner.DeleteFile(name);

    public void RenameFile(string source, string destination) => _inner.RenameFile(source, destination);

    public IReadOnlyList<string> ListFiles() => _inner.ListFiles();

    public void SyncDirectory() => _inner.SyncDirectory();

    /// <summary>Records the size of every batch; syncs each file.</summary>
    internal sealed class Group : IStorageSyncGroup
    {
        private readonly Lock _lock = new();
        private readonly List<int> _batches = [];

        public int[] Batches
        {
            get
            {
                lock (_lock)
                {
                    return [.. _batches];
                }
            }
        }

        public void SyncAll(ReadOnlySpan<IStorageFile> files, Span<Exception?> errors)
        {
            lock (_lock)
            {
                _batches.Add(files.Length);
            }
            for (int i = 0; i < files.Length; i++)
            {
                ((GroupedFile)files[i]).Inner.Sync();
            }
        }
    }

    private sealed class GroupedFile(IStorageFile inner, Group group) : IStorageFile
    {
        public IStorageFile Inner => inner;

        public string Name => inner.Name;

        public long Length => inner.Length;

        public IStorageSyncGroup SyncGroup => group;

        public void Write(long position, ReadOnlySpan<byte> source) => inner.Write(position, source);

        public int Read(long position, Span<byte> destination) => inner.Read(position, destination);

        public void Sync() => inner.Sync();

        public void SetLength(long length) => inner.SetLength(length);

        public void Dispose() => inner.Dispose();
    }
}
