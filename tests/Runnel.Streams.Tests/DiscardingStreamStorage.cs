using System.Collections.Concurrent;
using Runnel.Storage.Io;
using Runnel.Streams.Storage;

namespace Runnel.Streams.Tests;

/// <summary>
/// Stream storage for write-only throughput tests in simulated time: the catalog lives in memory, shard files keep
/// only their lengths (writes are counted and dropped, reads return zeros). It lets an on-demand stream take
/// gigabytes of simulated traffic without holding them. Never restart or read records on it.
/// </summary>
internal sealed class DiscardingStreamStorage : IStreamStorage
{
    private readonly ConcurrentDictionary<string, IStorageDevice> _directories = new(StringComparer.Ordinal);

    public IStorageDevice Directory(string relativePath)
        => _directories.GetOrAdd(relativePath, static path => path == "catalog" ? new MemoryDevice() : new LengthOnlyDevice());

    public void DeleteDirectory(string relativePath) => _directories.TryRemove(relativePath, out _);

    private sealed class LengthOnlyDevice : IStorageDevice
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

    private sealed class LengthOnlyFile(string name) : IStorageFile
    {
        private long _length;

        public string Name { get; } = name;

        public long Length => Interlocked.Read(ref _length);

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            long end = position + source.Length;
            long current;
            while ((current = Interlocked.Read(ref _length)) < end && Interlocked.CompareExchange(ref _length, end, current) != current)
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
