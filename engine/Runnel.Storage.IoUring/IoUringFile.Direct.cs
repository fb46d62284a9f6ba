using System.Runtime.InteropServices;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// The O_DIRECT half. O_DIRECT needs buffer addresses, file offsets and lengths aligned to
/// <see cref="IoUringDeviceOptions.DirectAlignment"/>, but the log writes frames at any 8-byte offset. So every
/// write copies into an aligned bounce buffer covering whole blocks, filling the partial first and last blocks
/// from what the file holds there (read-modify-write), and writes the whole blocks.
/// </summary>
/// <remarks>
/// <para>Logical length: the file on disk grows in whole blocks (zeros after the data, and with a prewritten tail
/// the extensions of zeros, IoUringFile.Tail.cs), so the real length is kept in memory: <see cref="Length"/> and
/// reads stop there, and <see cref="SetLength"/> and <see cref="Dispose"/> cut the file to it with <c>ftruncate</c> (never once per write). After a crash the file
/// may therefore end in up to 4095 zero bytes past the last write: the log sees them as an unacknowledged torn
/// tail and cuts them. Another handle open on the same file at the same time sees the block-rounded length.</para>
/// <para>Block cache: the first and last blocks of recent writes are kept (two aligned 4 KiB blocks), so an append
/// that starts inside the last block written (the log's common case) and the checkpoint file's two alternating
/// slot blocks are never read back from the disk. Bytes past the logical length in any block are
/// written as zeros. Reads use an aligned per-thread buffer (256 KiB, kept for the thread's life) unless the
/// caller's buffer, offset and length are already aligned. Writes of a file are serialized by a lock.</para>
/// </remarks>
public sealed unsafe partial class IoUringFile
{
    private const int Block = IoUringDeviceOptions.DirectAlignment;
    private const int MaxWindow = 4 << 20; // bounce buffer limit; larger writes go in windows of this size
    private const int ReadChunk = 256 << 10;
    private const int CacheBlocks = 2; // the segment tail, or the checkpoint file's two slot blocks

    // STYLE.md section 3 names thread statics t_; .editorconfig cannot tell them from other statics.
#pragma warning disable IDE1006
    [ThreadStatic]
    private static byte* t_readBuffer;
#pragma warning restore IDE1006

    private byte* _bounce;         // aligned, _bounceCapacity bytes, under _writeLock
    private int _bounceCapacity;
    private byte* _cache;          // aligned, CacheBlocks blocks: copies of the last blocks written, under _writeLock
    private long _cacheStart0 = -1; // file offset of cache block 0 (-1: empty)
    private long _cacheStart1 = -1; // file offset of cache block 1 (-1: empty)
    private int _cacheNext;         // which cache block the next new block replaces

    private static long AlignDown(long value) => value & ~(long)(Block - 1);

    private static long AlignUp(long value) => (value + Block - 1) & ~(long)(Block - 1);

    private void InitializeDirect()
    {
        _cache = (byte*)NativeMemory.AlignedAlloc(CacheBlocks * Block, Block);
    }

    private void WriteDirect(long position, ReadOnlySpan<byte> source, bool sync)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfSyncFailed();
            using var lease = new FdLease(_handle);
            if (source.IsEmpty)
            {
                if (sync)
                {
                    Run([IoRequest.DataSync(lease.Fd)]);
                }
                return;
            }
            long pos = position;
            int offset = 0;
            Span<IoRequest> requests = stackalloc IoRequest[2 + MaxZeroRequests];
            int zeros = _prewritten ? AddTailZeros(lease.Fd, position + source.Length, requests) : 0;
            while (offset < source.Length)
            {
                long windowStart = AlignDown(pos);
                long dataEnd = Math.Min(pos + (source.Length - offset), windowStart + MaxWindow);
                long windowEnd = AlignUp(dataEnd);
                int windowLength = (int)(windowEnd - windowStart);
                int count = (int)(dataEnd - pos);
                EnsureBounce(windowLength);

                long lastBlock = windowEnd - Block;
                if (pos != windowStart)
                {
                    LoadBlock(lease.Fd, windowStart, _bounce);
                }
                if (dataEnd != windowEnd && (lastBlock != windowStart || pos == windowStart))
                {
                    LoadBlock(lease.Fd, lastBlock, _bounce + (lastBlock - windowStart));
                }
                source.Slice(offset, count).CopyTo(new Span<byte>(_bounce + (pos - windowStart), count));
                if (dataEnd < windowEnd && dataEnd >= _length)
                {
                    // Past the new logical end: zeros, whatever the loaded block held.
                    new Span<byte>(_bounce + (dataEnd - windowStart), (int)(windowEnd - dataEnd)).Clear();
                }

                bool withSync = sync && offset + count == source.Length;
                requests[zeros] = IoRequest.Write(lease.Fd, (nint)_bounce, (uint)windowLength, windowStart, linked: withSync);
                if (withSync)
                {
                    requests[zeros + 1] = IoRequest.DataSync(lease.Fd);
                }
                _physicalLength = Math.Max(_physicalLength, windowEnd); // even on failure, so Dispose cuts it
                try
                {
                    Run(requests[..(zeros + (withSync ? 2 : 1))]);
                    zeros = 0; // the first window carries the zeros
                }
                catch (StorageIOException)
                {
                    _cacheStart0 = _cacheStart1 = -1; // what the disk holds there is unknown now
                    throw;
                }
                ForgetCached(windowStart, windowEnd);
                if (windowLength > Block)
                {
                    CacheBlock(windowStart, _bounce);
                }
                CacheBlock(lastBlock, _bounce + (lastBlock - windowStart));
                if (dataEnd > _length)
                {
                    Volatile.Write(ref _length, dataEnd);
                }
                pos = dataEnd;
                offset += count;
            }
        }
    }

    /// <summary>Fills <paramref name="target"/> (one aligned block) with the file's block at <paramref name="blockStart"/>, zeros past the logical end.</summary>
    private void LoadBlock(int fd, long blockStart, byte* target)
    {
        var block = new Span<byte>(target, Block);
        long valid = Math.Min(Block, _length - blockStart);
        if (valid <= 0)
        {
            block.Clear();
            return;
        }
        byte* cached = CachedBlock(blockStart);
        if (cached is not null)
        {
            new ReadOnlySpan<byte>(cached, Block).CopyTo(block);
        }
        else
        {
            int read = PRead(fd, target, Block, blockStart, stopAtShort: true);
            valid = Math.Min(valid, read);
        }
        block[(int)valid..].Clear();
    }

    private byte* CachedBlock(long blockStart) =>
        blockStart == _cacheStart0 ? _cache : blockStart == _cacheStart1 ? _cache + Block : null;

    /// <summary>Drops cached blocks inside a range just written (they are stale unless re-cached).</summary>
    private void ForgetCached(long start, long end)
    {
        if (_cacheStart0 >= start && _cacheStart0 < end)
        {
            _cacheStart0 = -1;
        }
        if (_cacheStart1 >= start && _cacheStart1 < end)
        {
            _cacheStart1 = -1;
        }
    }

    private void CacheBlock(long blockStart, byte* source)
    {
        byte* target;
        if (_cacheStart0 == -1 || (_cacheStart1 != -1 && _cacheNext == 0))
        {
            target = _cache;
            _cacheStart0 = blockStart;
            _cacheNext = 1;
        }
        else
        {
            target = _cache + Block;
            _cacheStart1 = blockStart;
            _cacheNext = 0;
        }
        new ReadOnlySpan<byte>(source, Block).CopyTo(new Span<byte>(target, Block));
    }

    private static void TrimCached(ref long blockStart, byte* block, long length)
    {
        if (blockStart >= length)
        {
            blockStart = -1;
        }
        else if (blockStart >= 0 && length - blockStart < Block)
        {
            int keep = (int)(length - blockStart);
            new Span<byte>(block + keep, Block - keep).Clear();
        }
    }

    private void EnsureBounce(int length)
    {
        if (length <= _bounceCapacity)
        {
            return;
        }
        int capacity = Math.Max(length, Math.Min(MaxWindow, Math.Max(64 << 10, _bounceCapacity * 2)));
        NativeMemory.AlignedFree(_bounce);
        _bounce = null;
        _bounceCapacity = 0;
        _bounce = (byte*)NativeMemory.AlignedAlloc((nuint)capacity, Block);
        _bounceCapacity = capacity;
    }

    private int ReadDirect(long position, Span<byte> destination)
    {
        long length = Volatile.Read(ref _length);
        if (position >= length || destination.IsEmpty)
        {
            return 0;
        }
        int want = (int)Math.Min(destination.Length, length - position);
        using var lease = new FdLease(_handle);
        fixed (byte* target = destination)
        {
            if (position % Block == 0 && want % Block == 0 && (nint)target % Block == 0)
            {
                return PRead(lease.Fd, target, want, position, stopAtShort: true);
            }
            byte* buffer = t_readBuffer;
            if (buffer is null)
            {
                buffer = t_readBuffer = (byte*)NativeMemory.AlignedAlloc(ReadChunk, Block);
            }
            int total = 0;
            while (total < want)
            {
                long pos = position + total;
                long blockStart = AlignDown(pos);
                int span = (int)Math.Min(AlignUp(position + want) - blockStart, ReadChunk);
                int read = PRead(lease.Fd, buffer, span, blockStart, stopAtShort: true);
                int skip = (int)(pos - blockStart);
                int take = Math.Min(read - skip, want - total);
                if (take <= 0)
                {
                    break;
                }
                new ReadOnlySpan<byte>(buffer + skip, take).CopyTo(new Span<byte>(target + total, take));
                total += take;
                if (read < span)
                {
                    break;
                }
            }
            return total;
        }
    }

    private void SetLengthDirect(long length)
    {
        lock (_writeLock)
        {
            SetLengthTracked(length);
            TrimCached(ref _cacheStart0, _cache, length);
            TrimCached(ref _cacheStart1, _cache + Block, length);
        }
    }

    private void FreeDirectBuffers()
    {
        NativeMemory.AlignedFree(_bounce);
        NativeMemory.AlignedFree(_cache);
        _bounce = null;
        _cache = null;
        _bounceCapacity = 0;
    }
}
