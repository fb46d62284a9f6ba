using System.Buffers.Binary;
using Runnel.Storage.Framing;

namespace Runnel.Storage.Catalog;

/// <summary>
/// Owns the layout of the checkpoint file, which keeps a log's committed position in a checksummed record of its own.
/// </summary>
/// <remarks>
/// The file <c>checkpoint</c> has two 64-byte slots, at offsets 0 and 4096 (separate pages, so a torn write of one
/// never damages the other). Checkpoint generation g goes to slot g % 2; the valid slot with the higher generation
/// wins. A slot of all zeros was never written.
/// <code>
///  0                               8       10      12              16
///  +-------------------------------+-------+-------+---------------+
///  | magic "RNNLCKPT"              | ver   | minver| reserved      |
///  +-------------------------------+-------+-------+---------------+
/// 16 generation u64  | 24 segment base u64 | 32 committed position i64 |
/// 40 next sequence u64 | 48 last timestamp ms i64 | 56 reserved u32 | 60 crc32c u32 |
/// </code>
/// The checksum covers bytes 0..60. Keep in sync with docs/formats/segment.md.
/// </remarks>
public static class CheckpointDescriptor
{
    /// <summary>The checkpoint file's name in a log directory.</summary>
    public const string FileName = "checkpoint";

    /// <summary>Bytes in one slot.</summary>
    public const int SlotLength = 64;

    /// <summary>Distance between the two slots.</summary>
    public const int SlotStride = 4096;

    /// <summary>The format version written by this code.</summary>
    public const ushort FormatVersion = 1;

    private const ulong Magic = 0x5450_4B43_4C4E_4E52; // "RNNLCKPT" little-endian
    private const int ChecksumOffset = 60;

    /// <summary>Byte offset of the slot that checkpoint generation <paramref name="generation"/> is written to.</summary>
    public static long SlotOffset(ulong generation) => (long)(generation % 2) * SlotStride;

    /// <summary>Encodes <paramref name="checkpoint"/> into a slot.</summary>
    public static void Write(Span<byte> destination, in Checkpoint checkpoint)
    {
        Span<byte> slot = destination[..SlotLength];
        slot.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(slot, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(slot[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(slot[10..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(slot[16..], checkpoint.Generation);
        BinaryPrimitives.WriteUInt64LittleEndian(slot[24..], checkpoint.SegmentBase);
        BinaryPrimitives.WriteInt64LittleEndian(slot[32..], checkpoint.CommittedPosition);
        BinaryPrimitives.WriteUInt64LittleEndian(slot[40..], checkpoint.NextSequence);
        BinaryPrimitives.WriteInt64LittleEndian(slot[48..], checkpoint.LastTimestampMs);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[ChecksumOffset..], Crc32C.Compute(slot[..ChecksumOffset]));
    }

    /// <summary>Decodes a slot.</summary>
    public static SlotStatus TryRead(ReadOnlySpan<byte> source, out Checkpoint checkpoint)
    {
        checkpoint = default;
        if (source.Length < SlotLength || !source[..SlotLength].ContainsAnyExcept((byte)0))
        {
            return SlotStatus.Empty;
        }
        ReadOnlySpan<byte> slot = source[..SlotLength];
        if (BinaryPrimitives.ReadUInt64LittleEndian(slot) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(slot[ChecksumOffset..]) != Crc32C.Compute(slot[..ChecksumOffset]))
        {
            return SlotStatus.Invalid;
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(slot[10..]) > FormatVersion)
        {
            return SlotStatus.NewerVersion;
        }
        checkpoint = new Checkpoint(
            BinaryPrimitives.ReadUInt64LittleEndian(slot[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(slot[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(slot[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[48..]));
        return SlotStatus.Valid;
    }

    /// <summary>What a checkpoint slot holds.</summary>
    public enum SlotStatus
    {
        /// <summary>All zeros: never written.</summary>
        Empty,

        /// <summary>A checksummed checkpoint.</summary>
        Valid,

        /// <summary>Torn or corrupt.</summary>
        Invalid,

        /// <summary>Checksummed, but its minimum compatible version is newer than this code.</summary>
        NewerVersion,
    }
}
