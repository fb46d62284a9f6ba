using System.Buffers.Binary;
using Runnel.Storage.Framing;
using Runnel.Storage.Index;

namespace Runnel.Storage.Log;

/// <summary>The read side: cursors at the trim horizon, the tip, a sequence or a time; reads copy whole, checked
/// frames into the caller's buffer and never go past the committed position.</summary>
public sealed partial class ShardLog
{
    /// <summary>A cursor at the oldest record still kept.</summary>
    public LogCursor TrimHorizon() => LogCursor.AtSequence(TrimHorizonSequence);

    /// <summary>A cursor just past the newest committed record: it reads only what is appended from now on.</summary>
    public LogCursor Tip() => LogCursor.AtSequence(CommittedNextSequence);

    /// <summary>A cursor at the first record whose sequence is at least <paramref name="sequence"/>.</summary>
    public static LogCursor AtSequence(ulong sequence) => LogCursor.AtSequence(sequence);

    /// <summary>
    /// A cursor at the first record that arrived at or after <paramref name="timestampMs"/>; the trim horizon when
    /// that is older than every record kept, the tip when it is newer than all.
    /// </summary>
    public LogCursor AtTimestamp(long timestampMs)
    {
        Segment[] segments = Volatile.Read(ref _segments);
        Span<byte> header = stackalloc byte[FrameDescriptor.HeaderLength];
        foreach (Segment segment in segments)
        {
            long end = segment.CommittedEnd;
            if (segment.IsEmpty || segment.LastTimestampMs < timestampMs)
            {
                continue;
            }
            (long position, ulong expected) = segment.Index.TryLastBeforeTimestamp(timestampMs, out IndexEntry entry)
                ? (entry.Position, entry.Sequence)
                : (SegmentDescriptor.HeaderLength, segment.BaseSequence);
            while (position < end)
            {
                ReadHeader(segment, position, header, expected);
                if (BinaryPrimitives.ReadInt64LittleEndian(header[FrameDescriptor.TimestampOffset..]) >= timestampMs)
                {
                    return new LogCursor(expected, segment.BaseSequence, position);
                }
                position += FrameDescriptor.Align((int)FrameDescriptor.PeekLength(header));
                expected++;
            }
        }
        return Tip();
    }

    /// <summary>
    /// Copies up to <paramref name="maxRecords"/> whole frames from <paramref name="cursor"/> into
    /// <paramref name="buffer"/> and moves the cursor past them. Every frame is checked against its checksum and
    /// its expected sequence; a bad one throws <see cref="LogCorruptionException"/> and is never returned. A cursor
    /// older than the trim horizon reads from the trim horizon.
    /// </summary>
    public ReadResult Read(ref LogCursor cursor, Span<byte> buffer, int maxRecords)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecords);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return ReadCore(ref cursor, buffer, maxRecords);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
                // Retention removed the segment under the cursor: start again from the (new) trim horizon.
            }
        }
    }

    private ReadResult ReadCore(ref LogCursor cursor, Span<byte> buffer, int maxRecords)
    {
        Segment[] segments = Volatile.Read(ref _segments);
        if (segments.Length == 0)
        {
            return new ReadResult(0, 0, ReadStatus.Tip);
        }
        ulong sequence = Math.Max(cursor.NextSequence, segments[0].BaseSequence);
        int segmentIndex = FindSegment(segments, sequence);
        Segment segment = segments[segmentIndex];
        long position = cursor.SegmentBase == segment.BaseSequence && cursor.Position >= SegmentDescriptor.HeaderLength
            && cursor.NextSequence == sequence
            ? cursor.Position
            : Locate(segment, sequence);

        int used = 0;
        int records = 0;
        ReadStatus status = ReadStatus.Tip;
        int required = 0;
        while (records < maxRecords)
        {
            long end = segment.CommittedEnd;
            if (position >= end)
            {
                if (segmentIndex + 1 < segments.Length)
                {
                    segment = segments[++segmentIndex];
                    position = SegmentDescriptor.HeaderLength;
                    continue;
                }
                status = ReadStatus.Tip;
                break;
            }
            int space = buffer.Length - used;
            if (space < FrameDescriptor.HeaderLength)
            {
                status = ReadStatus.More;
                if (used == 0)
                {
                    status = ReadStatus.BufferTooSmall;
                    required = FrameDescriptor.MaxFrameLength;
                }
                break;
            }
            int chunk = (int)Math.Min(space, end - position);
            Span<byte> target = buffer.Slice(used, chunk);
            int read = segment.File.Read(position, target);
            if (read < chunk)
            {
                // The file ends below the committed position (a lost write, a truncation): without this the loop
                // would read nothing forever.
                throw new LogCorruptionException(segment.FileName, position + read, "the segment ends before the committed position");
            }
            target = target[..read];
            int offset = 0;
            bool stop = false;
            while (records < maxRecords && offset < target.Length)
            {
                FrameStatus frameStatus = FrameDescriptor.TryRead(target[offset..], out RecordFrame frame);
                if (frameStatus == FrameStatus.Incomplete && offset + 4 > target.Length)
                {
                    // The chunk ends inside the next frame's length field: take the frame next time.
                    stop = true;
                    status = used + offset == 0 ? ReadStatus.BufferTooSmall : ReadStatus.More;
                    required = used + offset == 0 ? FrameDescriptor.MaxFrameLength : 0;
                    break;
                }
                if (frameStatus == FrameStatus.Incomplete)
                {
                    uint declared = FrameDescriptor.PeekLength(target[offset..]);
                    if (declared <= FrameDescriptor.MaxFrameLength && position + offset + declared <= end)
                    {
                        // A whole frame that does not fit in what is left of the buffer.
                        stop = true;
                        if (used + offset == 0)
                        {
                            status = ReadStatus.BufferTooSmall;
                            required = FrameDescriptor.Align((int)declared);
                        }
                        else
                        {
                            status = ReadStatus.More;
                        }
                        break;
                    }
                }
                if (frameStatus != FrameStatus.Valid || frame.Sequence != sequence)
                {
                    throw new LogCorruptionException(segment.FileName, position + offset, frameStatus == FrameStatus.Valid
                        ? $"frame out of sequence (expected {sequence}, found {frame.Sequence})"
                        : "checksum or header mismatch");
                }
                int aligned = frame.AlignedLength;
                if (offset + aligned > target.Length)
                {
                    stop = true; // the padding did not fit: take the frame next time
                    status = used + offset == 0 ? ReadStatus.BufferTooSmall : ReadStatus.More;
                    required = aligned;
                    break;
                }
                offset += aligned;
                records++;
                sequence++;
            }
            used += offset;
            position += offset;
            if (stop)
            {
                break;
            }
            if (records >= maxRecords)
            {
                status = position < end || segmentIndex + 1 < segments.Length ? ReadStatus.More : ReadStatus.Tip;
                break;
            }
        }
        // The position hint is exact only after a frame was read: a cursor beyond the tip (or one that read
        // nothing) keeps its sequence and finds its frame again next time.
        cursor = records > 0 ? new LogCursor(sequence, segment.BaseSequence, position) : LogCursor.AtSequence(sequence);
        return new ReadResult(records, used, status, required);
    }

    private static int FindSegment(Segment[] segments, ulong sequence)
    {
        int lo = 0;
        int hi = segments.Length - 1;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi + 1) >> 1);
            if (segments[mid].BaseSequence <= sequence)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /// <summary>The byte position of the first committed frame with a sequence of at least <paramref name="sequence"/>.</summary>
    private static long Locate(Segment segment, ulong sequence)
    {
        long end = segment.CommittedEnd;
        if (sequence >= segment.NextSequence)
        {
            return end;
        }
        (long position, ulong expected) = segment.Index.TryFloorBySequence(sequence, out IndexEntry entry)
            ? (entry.Position, entry.Sequence)
            : (SegmentDescriptor.HeaderLength, segment.BaseSequence);
        Span<byte> header = stackalloc byte[FrameDescriptor.HeaderLength];
        while (position < end && expected < sequence)
        {
            ReadHeader(segment, position, header, expected);
            position += FrameDescriptor.Align((int)FrameDescriptor.PeekLength(header));
            expected++;
        }
        return position;
    }

    /// <summary>
    /// Reads the header of the frame at <paramref name="position"/>, which must carry <paramref name="expected"/>:
    /// frames are gap-free, so a skipped frame whose sequence (or length, which moves every later header) was damaged
    /// is caught here rather than silently skipping an acknowledged record. Checksums are checked where frames are
    /// served (<see cref="ReadCore"/>), not here.
    /// </summary>
    private static void ReadHeader(Segment segment, long position, Span<byte> header, ulong expected)
    {
        int read = segment.File.Read(position, header);
        uint length = read >= 4 ? FrameDescriptor.PeekLength(header) : 0;
        if (read < header.Length || length < FrameDescriptor.HeaderLength || length > FrameDescriptor.MaxFrameLength)
        {
            throw new LogCorruptionException(segment.FileName, position, "a frame header is damaged");
        }
        ulong found = BinaryPrimitives.ReadUInt64LittleEndian(header[FrameDescriptor.SequenceOffset..]);
        if (found != expected)
        {
            throw new LogCorruptionException(segment.FileName, position, $"frame out of sequence (expected {expected}, found {found})");
        }
    }
}
