using System.Buffers;
using System.IO.Pipelines;

namespace Runnel.Server.Http;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over chunks rented from <see cref="ArrayPool{T}.Shared"/>, for answers written
/// whole before they are sent (so that their length is known and an error can still replace them). A response of
/// 500 records is about 60 KB and a GetRecords page up to 14 MB of base64: renting keeps both off the large-object
/// heap, and growing by a new chunk (doubling up to 1 MiB) instead of a larger copy writes each byte once. Not
/// thread-safe: one request's.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialBytes = 4096;
    private const int MaxGrowthBytes = 1024 * 1024;

    private readonly List<(byte[] Chunk, int Written)> _full = []; // the chunks before _buffer, in order
    private long _fullBytes;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
    private int _written;

    /// <summary>The bytes written so far.</summary>
    public long WrittenCount => _fullBytes + _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Writes everything written so far into <paramref name="output"/>, in order, and flushes it once.</summary>
    public ValueTask<FlushResult> CopyToAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        foreach ((byte[] chunk, int written) in _full)
        {
            output.Write(chunk.AsSpan(0, written));
        }
        output.Write(_buffer.AsSpan(0, _written));
        return output.FlushAsync(cancellationToken);
    }

    /// <summary>A copy of everything written so far (tests and benchmarks).</summary>
    public byte[] ToArray()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        byte[] all = new byte[WrittenCount];
        int at = 0;
        foreach ((byte[] chunk, int written) in _full)
        {
            chunk.AsSpan(0, written).CopyTo(all.AsSpan(at));
            at += written;
        }
        _buffer.AsSpan(0, _written).CopyTo(all.AsSpan(at));
        return all;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        foreach ((byte[] chunk, _) in _full)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        _full.Clear();
        _fullBytes = 0;
    }

    private void EnsureCapacity(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < needed)
        {
            Grow(needed);
        }
    }

    private void Grow(int needed)
    {
        int length = Math.Max(Math.Min(_buffer.Length * 2, MaxGrowthBytes), needed);
        byte[] next = ArrayPool<byte>.Shared.Rent(length);
        if (_written > 0)
        {
            _full.Add((_buffer, _written));
            _fullBytes += _written;
        }
        else
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = next;
        _written = 0;
    }
}
