using System.Buffers.Binary;
using Runnel.Model;
using Runnel.Storage.Catalog;
using Runnel.Storage.Framing;
using Runnel.Storage.Index;
using Runnel.Storage.Log;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Target <c>frame</c>: the input is a segment buffer (a 64-byte segment header, then frames). Decoded as recovery
/// and reads do: <see cref="SegmentDescriptor.TryRead"/>, a walk with <see cref="FrameDescriptor.TryRead"/> from the
/// start of the buffer and from the first frame, every <see cref="RecordFrame"/> member of each valid frame, and a
/// <see cref="FrameReader"/> over the frames; also the other durable decoders that take a buffer
/// (<see cref="CheckpointDescriptor.TryRead"/>, <see cref="IndexFileDescriptor.TryRead"/>). Then the same once more
/// on a copy whose segment-header and frame checksums were recomputed, so that mutations reach the field checks
/// behind the CRC. Contract: a <see cref="FrameStatus"/> or false, never an exception; and a frame decoded as
/// <see cref="FrameStatus.Valid"/> is exactly what <see cref="FrameDescriptor.Write"/> writes for its fields.
/// </summary>
internal static class FrameTarget
{
    /// <summary>Runs the target on one input.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        AllocationBudget budget = AllocationBudget.Start(input.Length);
        DecodeAll(input);
        byte[] repaired = input.ToArray();
        RepairChecksums(repaired);
        DecodeAll(repaired);
        budget.Check("frame");
    }

    private static void DecodeAll(ReadOnlySpan<byte> buffer)
    {
        _ = SegmentDescriptor.TryRead(buffer, out _, out _);
        _ = CheckpointDescriptor.TryRead(buffer, out _);
        _ = IndexFileDescriptor.TryRead(buffer, out _, out _);
        Walk(buffer);
        if (buffer.Length > SegmentDescriptor.HeaderLength)
        {
            ReadOnlySpan<byte> frames = buffer[SegmentDescriptor.HeaderLength..];
            Walk(frames);
            var reader = new FrameReader(frames);
            while (reader.TryNext(out RecordFrame frame))
            {
                Touch(frame);
            }
        }
    }

    /// <summary>Walks frames as recovery does: decode, check, step over the aligned length; stop at anything else.</summary>
    private static void Walk(ReadOnlySpan<byte> buffer)
    {
        int offset = 0;
        while (offset < buffer.Length)
        {
            FrameStatus status = FrameDescriptor.TryRead(buffer[offset..], out RecordFrame frame);
            if (status != FrameStatus.Valid)
            {
                if (status is not (FrameStatus.End or FrameStatus.Incomplete or FrameStatus.Invalid))
                {
                    throw new ContractViolationException($"frame: TryRead returned undefined status {status}.");
                }
                return;
            }
            Touch(frame);
            CheckRoundTrip(frame);
            offset += Math.Min(frame.AlignedLength, buffer.Length - offset);
        }
    }

    private static void Touch(RecordFrame frame)
    {
        _ = frame.Sequence;
        _ = frame.TimestampMs;
        _ = frame.Length;
        _ = frame.AlignedLength;
        _ = frame.ExplicitHashKey;
        _ = frame.PartitionKey.Length;
        _ = frame.Data.Length;
        _ = frame.Bytes.Length;
        if (frame.Data.Length + frame.PartitionKey.Length + FrameDescriptor.HeaderLength > frame.Length)
        {
            throw new ContractViolationException("frame: the parts of a valid frame are longer than the frame.");
        }
    }

    /// <summary>A valid frame must be the encoding of its own fields: nothing in it is unchecked.</summary>
    private static void CheckRoundTrip(RecordFrame frame)
    {
        byte[] encoded = new byte[frame.AlignedLength];
        HashKey? key = frame.ExplicitHashKey;
        int written = FrameDescriptor.Write(encoded, frame.Sequence, frame.TimestampMs, frame.PartitionKey, key, frame.Data, frame.IsEncrypted);
        if (written != frame.AlignedLength || !encoded.AsSpan(0, frame.Length).SequenceEqual(frame.Bytes))
        {
            throw new ContractViolationException("frame: a frame decoded as Valid is not what FrameDescriptor.Write writes for its fields.");
        }
    }

    /// <summary>Recomputes the segment-header checksum and, walking declared lengths, each frame's checksum.</summary>
    internal static void RepairChecksums(Span<byte> buffer)
    {
        if (buffer.Length >= SegmentDescriptor.HeaderLength)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer[60..], Crc32C.Compute(buffer[..60]));
            RepairFrames(buffer[SegmentDescriptor.HeaderLength..]);
        }
    }

    private static void RepairFrames(Span<byte> frames)
    {
        int offset = 0;
        while (frames.Length - offset >= FrameDescriptor.HeaderLength)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(frames[offset..]);
            if (length < FrameDescriptor.HeaderLength || length > frames.Length - offset)
            {
                return;
            }
            Span<byte> frame = frames.Slice(offset, (int)length);
            uint state = Crc32C.Append(Crc32C.Seed, frame[..4]);
            BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32C.Finish(Crc32C.Append(state, frame[8..])));
            offset += FrameDescriptor.Align((int)length);
        }
    }
}
