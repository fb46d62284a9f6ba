using Runnel.Storage.Io;

namespace Runnel.Harness.Scenarios;

/// <summary>A file that remembers only its length: writes extend it, reads return zeros.</summary>
internal sealed class LengthOnlyFile(string name) : IStorageFile
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
