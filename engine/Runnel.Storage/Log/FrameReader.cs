using Runnel.Storage.Framing;

namespace Runnel.Storage.Log;

/// <summary>
/// Walks the frames a <see cref="ShardLog.Read"/> placed in a buffer. Allocates nothing.
/// </summary>
public ref struct FrameReader
{
    private ReadOnlySpan<byte> _remaining;

    public FrameReader(ReadOnlySpan<byte> frames) => _remaining = frames;

    /// <summary>Moves to the next frame; false at the end.</summary>
    public bool TryNext(out RecordFrame frame)
    {
        if (_remaining.IsEmpty || FrameDescriptor.TryRead(_remaining, out frame) != FrameStatus.Valid)
        {
            frame = default;
            return false;
        }
        _remaining = _remaining[Math.Min(frame.AlignedLength, _remaining.Length)..];
        return true;
    }
}
