using System.Buffers;
using Runnel.Storage.Catalog;
using Runnel.Storage.Framing;
using Runnel.Storage.Index;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>
/// Recovery on open. The checkpoint names the committed position; below it every frame must be whole and in
/// sequence, or the log reports corruption and does not open. Above it, frames are kept up to the first one that
/// is torn, invalid or out of sequence, and the rest (the unacknowledged torn tail) is cut. A segment whose device
/// wrote zeros ahead of its data (<see cref="StorageFileOptions.PrewrittenTail"/>) ends, after a crash, in up to a few
/// MiB of zeros: the scan stops at the first zero frame length (one read of at most 1 MiB, never a walk through
/// the zeros) and they are cut as that tail.
/// </summary>
public sealed partial class ShardLog
{
    private void Recover()
    {
        bool existed = _device.FileExists(CheckpointDescriptor.FileName);
        _checkpointFile = _device.OpenFile(CheckpointDescriptor.FileName, create: true);
        if (!existed)
        {
            _device.SyncDirectory();
        }
        Checkpoint? checkpoint = ReadCheckpoint(_checkpointFile);
        _checkpointGeneration = checkpoint?.Generation ?? 0;
        ulong committedBase = checkpoint?.SegmentBase ?? 0;
        long committedPosition = checkpoint?.CommittedPosition ?? 0;

        List<string> leftovers = FindLeftovers(out List<ulong> bases);
        var doomed = new List<ulong>(); // deleted only after every check passed: a failed open changes nothing
        bool changed = leftovers.Count > 0;
        var segments = new List<Segment>();
        bool cut = false;
        ulong expectedBase = 0;
        foreach (ulong baseSequence in bases)
        {
            string name = SegmentDescriptor.FileName(baseSequence);
            bool committedSealed = checkpoint is not null && baseSequence < committedBase;
            long strictUntil = committedSealed ? long.MaxValue
                : checkpoint is not null && baseSequence == committedBase ? committedPosition : 0;
            if (cut)
            {
                // Everything after a cut is unacknowledged, unless the checkpoint says otherwise.
                if (strictUntil > 0)
                {
                    throw new LogCorruptionException(name, 0,
                        "an earlier segment ends in damaged frames, but this one holds acknowledged records");
                }
                doomed.Add(baseSequence);
                continue;
            }
            bool contiguous = segments.Count == 0 || baseSequence == expectedBase;
            if (!contiguous && strictUntil > 0)
            {
                throw new LogCorruptionException(name, 0,
                    $"segment starts at sequence {baseSequence} but the previous one ends before {expectedBase}");
            }
            Segment? segment = contiguous ? OpenSegment(name, baseSequence, strictUntil, committedSealed, ref changed) : null;
            if (segment is null)
            {
                doomed.Add(baseSequence);
                cut = true;
                continue;
            }
            segments.Add(segment);
            expectedBase = segment.NextSequence;
            if (!segment.IsSealed && segment.CommittedEnd < segment.File.Length)
            {
                cut = true; // a torn tail is cut in this segment: later segments cannot be whole
            }
        }

        if (checkpoint is { } c && c.CommittedPosition > 0 && !bases.Contains(c.SegmentBase))
        {
            throw new LogCorruptionException(SegmentDescriptor.FileName(c.SegmentBase), 0,
                "the segment holding acknowledged records is missing");
        }

        ulong nextSequence = checkpoint?.NextSequence ?? 1;
        long lastTimestamp = checkpoint?.LastTimestampMs ?? long.MinValue;
        if (segments.Count > 0)
        {
            Segment last = segments[^1];
            if (last.NextSequence < nextSequence && checkpoint is not null)
            {
                throw new LogCorruptionException(last.FileName, last.CommittedEnd,
                    $"acknowledged records up to sequence {nextSequence - 1} are missing");
            }
            nextSequence = last.NextSequence;
            lastTimestamp = Math.Max(lastTimestamp, last.LastTimestampMs);
        }
        nextSequence = Math.Max(nextSequence, 1);

        // Every check passed: only now change the directory.
        foreach (string leftover in leftovers)
        {
            _device.DeleteFile(leftover);
        }
        foreach (ulong baseSequence in doomed)
        {
            DeleteSegmentFiles(baseSequence);
            changed = true;
        }
        foreach (Segment segment in segments)
        {
            // Zeros or torn frames past the data: an unacknowledged tail (a sealed segment's, left by a build that did
            // not cut at the roll, is past its index's end).
            if (segment.CommittedEnd < segment.File.Length)
            {
                segment.File.SetLength(segment.CommittedEnd);
                segment.File.Sync();
                changed = true;
            }
        }
        if (changed)
        {
            _device.SyncDirectory();
        }

        _segments = [.. segments];
        for (int i = 0; i < segments.Count - 1; i++)
        {
            if (!segments[i].IsSealed)
            {
                Seal(segments[i]);
            }
        }
        _active = segments.Count > 0 ? segments[^1] : null;
        _nextSequence = nextSequence;
        _lastTimestampMs = lastTimestamp;
        _committedNextSequence = nextSequence;
        _committedLastTimestampMs = lastTimestamp;

        // Record the recovered tip as committed: what recovery kept is now the durable truth.
        WriteCheckpoint(
            _active?.BaseSequence ?? nextSequence,
            _active is { } active && !active.IsEmpty ? active.CommittedEnd : 0,
            nextSequence,
            lastTimestamp);
    }

    private static Checkpoint? ReadCheckpoint(IStorageFile file)
    {
        Span<byte> slot = stackalloc byte[CheckpointDescriptor.SlotLength];
        Checkpoint? best = null;
        int invalid = 0;
        for (ulong generation = 0; generation < 2; generation++)
        {
            slot.Clear();
            file.Read(CheckpointDescriptor.SlotOffset(generation), slot);
            switch (CheckpointDescriptor.TryRead(slot, out Checkpoint candidate))
            {
                case CheckpointDescriptor.SlotStatus.Valid:
                    if (best is null || candidate.Generation > best.Value.Generation)
                    {
                        best = candidate;
                    }
                    break;
                case CheckpointDescriptor.SlotStatus.Invalid:
                    invalid++;
                    break;
                case CheckpointDescriptor.SlotStatus.NewerVersion:
                    throw new NotSupportedException(
                        "The log was written by a newer Runnel whose format this version cannot read; it is left untouched.");
            }
        }
        if (best is null && invalid == 2)
        {
            throw new LogCorruptionException(CheckpointDescriptor.FileName, 0, "both checkpoint slots are damaged");
        }
        // One invalid slot next to a valid one is a torn checkpoint write, whose batch was never acknowledged, so
        // the valid slot is the newest durable checkpoint; or rot of one slot, where the older slot's position is
        // used and damage between the two positions (a second fault) would be cut as a torn tail. One invalid slot
        // next to an empty one is the first checkpoint torn: nothing was acknowledged.
        return best;
    }

    /// <summary>Lists segment files in order, and the temporary files and orphaned index files to delete.</summary>
    private List<string> FindLeftovers(out List<ulong> bases)
    {
        bases = [];
        var names = new HashSet<string>(_device.ListFiles(), StringComparer.Ordinal);
        var leftovers = new List<string>();
        foreach (string name in names)
        {
            if (SegmentDescriptor.TryParseFileName(name, out ulong baseSequence))
            {
                bases.Add(baseSequence);
            }
            else if (name.EndsWith(".tmp", StringComparison.Ordinal)
                || (name.EndsWith(IndexFileDescriptor.Extension, StringComparison.Ordinal)
                    && !names.Contains(name[..^IndexFileDescriptor.Extension.Length] + SegmentDescriptor.Extension)))
            {
                leftovers.Add(name);
            }
        }
        bases.Sort();
        return leftovers;
    }

    private void DeleteSegmentFiles(ulong baseSequence)
    {
        _device.DeleteFile(SegmentDescriptor.FileName(baseSequence));
        string index = IndexFileDescriptor.FileName(baseSequence);
        if (_device.FileExists(index))
        {
            _device.DeleteFile(index);
        }
    }

    /// <summary>
    /// Opens one segment and finds where its valid frames end. Damage before <paramref name="strictUntil"/> is
    /// corruption; a segment that cannot be used at all (bad header past the committed position) returns null.
    /// </summary>
    private Segment? OpenSegment(string name, ulong baseSequence, long strictUntil, bool sealedCommitted, ref bool changed)
    {
        IStorageFile file = _device.OpenFile(name, create: false, StorageFileOptions.PrewrittenTail | StorageFileOptions.SequentialReads);
        try
        {
            Span<byte> header = stackalloc byte[SegmentDescriptor.HeaderLength];
            int read = file.Read(0, header);
            if (read < SegmentDescriptor.HeaderLength
                || !SegmentDescriptor.TryRead(header, out ulong headerBase, out long createdMs)
                || headerBase != baseSequence)
            {
                if (strictUntil > 0)
                {
                    throw new LogCorruptionException(name, 0, "the segment header is damaged");
                }
                file.Dispose();
                return null;
            }

            if (sealedCommitted && TryLoadIndex(baseSequence, file, out Segment? indexed, createdMs))
            {
                return indexed;
            }

            var segment = new Segment(file, baseSequence, createdMs, new SparseIndex());
            ScanFrames(segment, strictUntil);
            if (sealedCommitted)
            {
                changed = true; // its index file must be rewritten
            }
            return segment;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private bool TryLoadIndex(ulong baseSequence, IStorageFile segmentFile, out Segment? segment, long createdMs)
    {
        segment = null;
        string name = IndexFileDescriptor.FileName(baseSequence);
        if (!_device.FileExists(name))
        {
            return false;
        }
        byte[] bytes;
        using (IStorageFile file = _device.OpenFile(name, create: false))
        {
            long length = file.Length;
            if (length > int.MaxValue / 2)
            {
                return false;
            }
            bytes = new byte[length];
            file.Read(0, bytes);
        }
        if (!IndexFileDescriptor.TryRead(bytes, out SealedSegmentInfo info, out IndexEntry[] entries)
            || info.BaseSequence != baseSequence
            || info.DataEnd < SegmentDescriptor.HeaderLength)
        {
            return false; // rebuilt by a strict scan
        }
        if (segmentFile.Length < info.DataEnd)
        {
            throw new LogCorruptionException(segmentFile.Name, segmentFile.Length,
                $"the sealed segment is shorter than its index says ({info.DataEnd} bytes)");
        }
        var index = new SparseIndex();
        foreach (IndexEntry entry in entries)
        {
            index.Add(entry);
        }
        segment = new Segment(segmentFile, baseSequence, createdMs, index);
        segment.Publish(info.DataEnd, info.NextSequence, info.LastTimestampMs);
        segment.Seal();
        return true;
    }

    /// <summary>Walks a segment's frames from the header, checking each, and publishes where the valid ones end.</summary>
    private void ScanFrames(Segment segment, long strictUntil)
    {
        IStorageFile file = segment.File;
        long fileLength = file.Length;
        long position = SegmentDescriptor.HeaderLength;
        ulong expected = segment.BaseSequence;
        long lastTimestamp = long.MinValue;
        int interval = _options.IndexIntervalBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            long bufferStart = 0;
            int bufferLength = 0;
            while (position < fileLength)
            {
                // Make sure the frame at 'position' is in the buffer, whole.
                int offset = (int)(position - bufferStart);
                if (position < bufferStart || offset + FrameDescriptor.HeaderLength > bufferLength)
                {
                    bufferStart = position;
                    offset = 0;
                    bufferLength = file.Read(position, buffer);
                }
                FrameStatus status = FrameDescriptor.TryRead(buffer.AsSpan(offset, bufferLength - offset), out RecordFrame frame);
                if (status == FrameStatus.Incomplete && bufferLength - offset < fileLength - position)
                {
                    uint declared = FrameDescriptor.PeekLength(buffer.AsSpan(offset));
                    int needed = FrameDescriptor.Align((int)Math.Min(declared, FrameDescriptor.MaxFrameLength));
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }
                    bufferStart = position;
                    offset = 0;
                    bufferLength = file.Read(position, buffer);
                    status = FrameDescriptor.TryRead(buffer.AsSpan(0, bufferLength), out frame);
                }
                if (status == FrameStatus.Valid && position + frame.AlignedLength > fileLength)
                {
                    status = FrameStatus.Incomplete; // its padding is missing: the write was torn
                }
                if (status != FrameStatus.Valid || frame.Sequence != expected || frame.TimestampMs < lastTimestamp)
                {
                    if (position < strictUntil)
                    {
                        string reason = status switch
                        {
                            FrameStatus.Valid => $"frame out of sequence (expected {expected}, found {frame.Sequence})",
                            FrameStatus.End => "acknowledged frames are missing (zeros below the committed position)",
                            FrameStatus.Incomplete => "the segment ends inside an acknowledged frame",
                            _ => "checksum or header mismatch in an acknowledged frame",
                        };
                        throw new LogCorruptionException(file.Name, position, reason);
                    }
                    break; // unacknowledged torn tail: cut here
                }
                if (position + frame.AlignedLength > strictUntil && position < strictUntil && strictUntil != long.MaxValue)
                {
                    throw new LogCorruptionException(file.Name, position, "a frame straddles the committed position");
                }
                if (segment.Index.LastPosition < 0 || position - segment.Index.LastPosition >= interval)
                {
                    segment.Index.Add(new IndexEntry(frame.Sequence, frame.TimestampMs, position));
                }
                lastTimestamp = frame.TimestampMs;
                expected++;
                position += frame.AlignedLength;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (position < strictUntil && strictUntil != long.MaxValue)
        {
            throw new LogCorruptionException(file.Name, position, "the segment ends before the committed position");
        }
        segment.Publish(position, expected, lastTimestamp);
    }
}
