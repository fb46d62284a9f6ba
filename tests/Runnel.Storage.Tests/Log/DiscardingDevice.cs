using Runnel.Storage.Io;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// A device that keeps only file names and lengths and throws every byte away: writes and syncs cost nothing and
/// allocate nothing, so an allocation measurement sees the log alone. Reads return no bytes (a new log opens empty).
/// </summary>
internal sealed class DiscardingDevice : IStorageDevice
{
    private readonly Dictionary<string, DiscardingFile> _files = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public IStorageFile OpenFile(string name, bool create)
    {
        lock (_sync)
        {
            if (!_files.TryGetValue(name, out DiscardingFile? file))
            {
                if (!create)
                {
                    throw new FileNotFoundException($"{name} does not exist.", name);
                }
                file = new DiscardingFile(name);
                _files.Add(name, file);
            }
            return file;
        }
    }

    public bool FileExists(string name)
    {
        lock (_sync)
        {
            return _files.ContainsKey(name);
        }
    }

    public void DeleteFile(string name)
    {
        lock (_sync)
        {
            _files.Remove(name);
        }
    }

    public void RenameFile(string source, string destination)
    {
        lock (_sync)
        {
            if (_files.Remove(source, out DiscardingFile? file))
            {
                _files[destination] = file;
            }
        }
    }

    public IReadOnlyList<string> ListFiles()
    {
        lock (_sync)
        {
            return [.. _files.Keys];
        }
    }

    public void SyncDirectory()
    {
    }

    private sealed class DiscardingFile(string name) : IStorageFile
    {
        private long _length;

        public string Name => name;

        public long Length => Volatile.Read(ref _length);

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            if (position + source.Length > _length)
            {
                Volatile.Write(ref _length, position + source.Length);
            }
        }

        public int Read(long position, Span<byte> destination) => 0;

        public void Sync()
        {
        }

        public void SetLength(long length) => Volatile.Write(ref _length, length);

        public void Dispose()
        {
        }
    }
}
