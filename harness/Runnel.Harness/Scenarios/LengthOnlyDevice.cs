using System.Collections.Concurrent;
using Runnel.Storage.Io;

namespace Runnel.Harness.Scenarios;

/// <summary>A directory of <see cref="LengthOnlyFile"/>s: names and lengths, no contents.</summary>
internal sealed class LengthOnlyDevice : IStorageDevice
{
    private readonly ConcurrentDictionary<string, LengthOnlyFile> _files = new(StringComparer.Ordinal);

    public IStorageFile OpenFile(string name, bool create)
    {
        if (!create && !_files.ContainsKey(name))
        {
            throw new FileNotFoundException($"{name} does not exist.", name);
        }
        return _files.GetOrAdd(name, static n => new LengthOnlyFile(n));
    }

    public bool FileExists(string name) => _files.ContainsKey(name);

    public void DeleteFile(string name) => _files.TryRemove(name, out _);

    public void RenameFile(string source, string destination)
    {
        if (!_files.TryRemove(source, out LengthOnlyFile? file))
        {
            throw new FileNotFoundException($"{source} does not exist.", source);
        }
        _files[destination] = file;
    }

    public IReadOnlyList<string> ListFiles() => [.. _files.Keys];

    public void SyncDirectory()
    {
    }
}
