using Microsoft.Win32.SafeHandles;

namespace Runnel.Storage.Io;

/// <summary>One open file of a <see cref="FileDevice"/>. Thread-safe (positional I/O only).</summary>
/// <remarks>
/// With a prewritten tail (<see cref="StorageFileOptions.PrewrittenTail"/>) the file writes zeros ahead of its data
/// (<see cref="PrewrittenTail"/>) before a write that comes near their end, so the fdatasyncs that follow have no
/// metadata to journal. The data's end is then kept in memory: <see cref="Length"/> and reads stop there, and
/// <see cref="SetLength"/> and <see cref="Dispose"/> (best effort) cut the zeros off. Writes of such a file are
/// serialized by a lock. Opened again (after a crash), the file's length includes any zeros left past the data.
/// </remarks>
internal sealed class FileDeviceFile : IStorageFile
{
    private const int ZeroChunk = 1 << 20;

    private static readonly byte[] s_zeros = new byte[ZeroChunk];

    private readonly SafeFileHandle _handle;
    private readonly bool _tracked;       // a prewritten tail: the lengths below are kept
    private readonly Lock _writeLock = new();
    private PrewrittenTail _tail;         // under _writeLock
    private long _length;                 // the data's end; written under _writeLock, read with Volatile
    private long _physicalLength;         // the file's size (data, then zeros), under _writeLock
    private bool _disposed;

    public FileDeviceFile(string name, SafeFileHandle handle, PrewrittenTailOptions? prewrittenTail)
    {
        Name = name;
        _handle = handle;
        if (prewrittenTail is not null)
        {
            _tracked = true;
            _tail = new PrewrittenTail(prewrittenTail);
            _length = _physicalLength = RandomAccess.GetLength(handle);
        }
    }

    public string Name { get; }

    public long Length => _tracked ? Volatile.Read(ref _length) : RandomAccess.GetLength(_handle);

    public void Write(long position, ReadOnlySpan<byte> source)
    {
        if (!_tracked)
        {
            WriteAt(position, source);
            return;
        }
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long end = position + source.Length;
            if (_tail.TryExtend(end, _physicalLength, out long zeroStart, out long zeroEnd))
            {
                // The zeros first, then the data: the sync after them journals the new size once.
                _physicalLength = Math.Max(_physicalLength, zeroEnd); // even on failure, so Dispose cuts it
                for (long at = zeroStart; at < zeroEnd; at += ZeroChunk)
                {
                    WriteAt(at, s_zeros.AsSpan(0, (int)Math.Min(ZeroChunk, zeroEnd - at)));
                }
            }
            WriteAt(position, source);
            _physicalLength = Math.Max(_physicalLength, end);
            if (end > _length)
            {
                Volatile.Write(ref _length, end);
            }
        }
    }

    public int Read(long position, Span<byte> destination)
    {
        if (_tracked)
        {
            long length = Volatile.Read(ref _length);
            if (position >= length)
            {
                return 0;
            }
            destination = destination[..(int)Math.Min(destination.Length, length - position)];
        }
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(_handle, destination[total..], position + total);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    public void Sync() => Native.FDataSync(_handle, Name);

    public void SetLength(long length)
    {
        if (!_tracked)
        {
            Truncate(length);
            return;
        }
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Truncate(length);
            _physicalLength = length;
            Volatile.Write(ref _length, length);
        }
    }

    /// <summary>Cuts the prewritten zeros off (best effort: a failure leaves them past the data) and closes the file.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_tracked && _physicalLength != _length && !_handle.IsClosed)
            {
                try
                {
                    RandomAccess.SetLength(_handle, _length);
                }
                catch (IOException)
                {
                    // best effort: the reopening side cuts zeros past the data
                }
            }
            _handle.Dispose();
        }
    }

    private void WriteAt(long position, ReadOnlySpan<byte> source)
    {
        try
        {
            RandomAccess.Write(_handle, source, position);
        }
        catch (IOException e)
        {
            throw new StorageIOException($"write to {Name} at {position} failed: {e.Message}", Name, e.HResult & 0xFFFF, e);
        }
    }

    private void Truncate(long length)
    {
        try
        {
            RandomAccess.SetLength(_handle, length);
        }
        catch (IOException e)
        {
            throw new StorageIOException($"truncate of {Name} to {length} failed: {e.Message}", Name, e.HResult & 0xFFFF, e);
        }
    }
}
