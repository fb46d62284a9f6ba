using Microsoft.Win32.SafeHandles;

namespace Runnel.Storage.Io;

/// <summary>One open file of a <see cref="FileDevice"/>. Thread-safe (positional I/O only).</summary>
internal sealed class FileDeviceFile : IStorageFile
{
    private readonly SafeFileHandle _handle;

    public FileDeviceFile(string name, SafeFileHandle handle) => (Name, _handle) = (name, handle);

    public string Name { get; }

    public long Length => RandomAccess.GetLength(_handle);

    public void Write(long position, ReadOnlySpan<byte> source)
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

    public int Read(long position, Span<byte> destination)
    {
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
        try
        {
            RandomAccess.SetLength(_handle, length);
        }
        catch (IOException e)
        {
            throw new StorageIOException($"truncate of {Name} to {length} failed: {e.Message}", Name, e.HResult & 0xFFFF, e);
        }
    }

    public void Dispose() => _handle.Dispose();
}
