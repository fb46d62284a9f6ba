namespace Runnel.Storage.Io;

/// <summary>
/// An <see cref="IStorageDevice"/> that keeps only file names and lengths and drops every byte: writes extend the
/// length, reads return zeros, syncs cost nothing and nothing is allocated per write. For allocation tests,
/// micro-benchmarks and simulated-time scenarios that must not hold the data. Never reopen a log on it. Thread-safe.
/// </summary>
public sealed class DiscardingDevice : IStorageDevice
{
    // One lock, as MemoryDevice: directory operations are rare; file writes never take it.
    private readonly Dictionary<string, LengthOnlyFile> _files = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public IStorageFile OpenFile(string name, bool create)
    {
        lock (_sync)
        {
            if (!_files.TryGetValue(name, out LengthOnlyFile? file))
            {
                if (!create)
                {
                    throw new FileNotFoundException($"{name} does not exist.", name);
                }
                file = new LengthOnlyFile(name);
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
            if (!_files.Remove(source, out LengthOnlyFile? file))
            {
                throw new FileNotFoundException($"{source} does not exist.", source);
            }
            _files[destination] = file;
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

    /// <summary>A file that remembers only its length.</summary>
    private sealed class LengthOnlyFile(string name) : IStorageFile
    {
        private long _length;

        public string Name { get; } = name;

        public long Length => Interlocked.Read(ref _length);

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            long end = position + source.Length;
            long current;
            while ((current = Interlocked.Read(ref _length)) < end
                && Interlocked.CompareExchange(ref _length, end, current) != current)
            {
            }
        }

        public int Read(long position, Span<byte> destination)
        {
            int count = (int)Math.Clamp(Length - position, 0, destination.Length);
            destination[..count].Clear();
            return count;
        }

        public void Sync()
        {
        }

        public void SetLength(long length) => Interlocked.Exchange(ref _length, length);

        public void Dispose()
        {
        }
    }
}
