using Runnel.Storage.Io;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// A device that passes every call to the real one and counts the group commits and syncs of its files, so the
/// embedded run can report commits per second (the engine exposes no counter). Adds one virtual call per operation.
/// Thread-safe as the inner device is.
/// </summary>
public sealed class CountingStorageDevice(IStorageDevice inner, CommitCounter counter) : IStorageDevice, IDisposable
{
    public IStorageFile OpenFile(string name, bool create) => new CountingStorageFile(inner.OpenFile(name, create), counter);

    public bool FileExists(string name) => inner.FileExists(name);

    public void DeleteFile(string name) => inner.DeleteFile(name);

    public void RenameFile(string source, string destination) => inner.RenameFile(source, destination);

    public IReadOnlyList<string> ListFiles() => inner.ListFiles();

    public void SyncDirectory()
    {
        counter.Sync();
        inner.SyncDirectory();
    }

    /// <summary>Disposes the inner device when it is disposable.</summary>
    public void Dispose() => (inner as IDisposable)?.Dispose();
}
