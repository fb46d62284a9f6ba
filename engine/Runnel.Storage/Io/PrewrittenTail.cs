namespace Runnel.Storage.Io;

/// <summary>
/// The extension policy of a file with a prewritten tail (<see cref="PrewrittenTailOptions"/>): given where a write
/// ends and where the zeros written so far end, the range of zeros to write first. Not thread-safe (the file's
/// write lock).
/// </summary>
internal struct PrewrittenTail
{
    /// <summary>Extensions and their starts are whole 4 KiB blocks (O_DIRECT needs it; page-cache writes like it).</summary>
    public const int Block = 4096;

    private readonly int _maxExtension;
    private int _nextExtension;

    public PrewrittenTail(PrewrittenTailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FirstExtensionBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxExtensionBytes, options.FirstExtensionBytes, nameof(options));
        _nextExtension = (int)AlignUp(options.FirstExtensionBytes);
        _maxExtension = (int)AlignUp(options.MaxExtensionBytes);
    }

    /// <summary>
    /// Whether a write ending at <paramref name="writeEnd"/> must be preceded by zeros, because it comes within one
    /// block of <paramref name="writtenEnd"/> (the end of what the file holds, data or zeros); if so, the zeros go
    /// at [<paramref name="zeroStart"/>, <paramref name="zeroEnd"/>), block-aligned, past the write, and the next
    /// extension doubles.
    /// </summary>
    public bool TryExtend(long writeEnd, long writtenEnd, out long zeroStart, out long zeroEnd)
    {
        if (writeEnd + Block <= writtenEnd)
        {
            zeroStart = zeroEnd = 0;
            return false;
        }
        zeroStart = AlignUp(Math.Max(writeEnd, writtenEnd));
        zeroEnd = zeroStart + _nextExtension;
        _nextExtension = Math.Min(_nextExtension * 2, _maxExtension);
        return true;
    }

    public static long AlignUp(long value) => (value + Block - 1) & ~(long)(Block - 1);
}
