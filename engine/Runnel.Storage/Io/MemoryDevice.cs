namespace Runnel.Storage.Io;

/// <summary>
/// An <see cref="IStorageDevice"/> held in memory: every write is "durable" at once and syncs cost nothing. For
/// benchmarks that leave the disk out and for tests. Thread-safe.
/// </summary>
public sealed class MemoryDevice : IStorageDevice
{
    private readonly Dictionary<string, MemoryFileData> _files = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public IStorageFile OpenFile(string name, bool create)
    {
        lock (_sync)
        {
            if (!_files.TryGetValue(name, out MemoryFileData? data))
            {
                if (!create)
                {
                    throw new FileNotFoundException($"{name} does not exist.", name);
                }
                data = new MemoryFileData();
                _files.Add(name, data);
            }
            return new MemoryFile(name, data);
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
            if (!_files.Remove(source, out MemoryFileData? data))
            {
                throw new FileNotFoundException($"{source} does not exist.", source);
            }
            _files[destination] = data;
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

    /// <summary>The bytes of a file, shared by every handle open on it.</summary>
    private sealed class MemoryFileData
    {
        public readonly Lock Sync = new();
        public byte[] Bytes = new byte[4096]; // replaced when it grows: not readonly on purpose
        public long Length;
    }

    private sealed class MemoryFile(string name, MemoryFileData data) : IStorageFile
    {
        public string Name { get; } = name;

        public long Length
        {
            get
            {
                lock (data.Sync)
                {
                    return data.Length;
                }
            }
        }

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            lock (data.Sync)
            {
                long end = position + source.Length;
                EnsureCapacity(end);
                source.CopyTo(data.Bytes.AsSpan((int)position));
                data.Length = Math.Max(data.Length, end);
            }
        }

        public int Read(long position, Span<byte> destination)
        {
            lock (data.Sync)
            {
                if (position >= data.Length)
                {
                    return 0;
                }
                int count = (int)Math.Min(destination.Length, data.Length - position);
                data.Bytes.AsSpan((int)position, count).CopyTo(destination);
                return count;
            }
        }

        public void Sync()
        {
        }

        public void SetLength(long length)
        {
            lock (data.Sync)
            {
                EnsureCapacity(length);
                if (length > data.Length)
                {
                    data.Bytes.AsSpan((int)data.Length, (int)(length - data.Length)).Clear();
                }
                else
                {
                    data.Bytes.AsSpan((int)length, (int)(data.Length - length)).Clear();
                }
                data.Length = length;
            }
        }

        public void Dispose()
        {
        }

        private void EnsureCapacity(long length)
        {
            if (length > Array.MaxLength)
            {
                throw new StorageIOException($"{Name} would exceed the in-memory file limit.", Name, 27);
            }
            if (length > data.Bytes.Length)
            {
                long size = Math.Max(length, Math.Min((long)data.Bytes.Length * 2, Array.MaxLength));
                Array.Resize(ref data.Bytes, (int)size);
            }
        }
    }
}
