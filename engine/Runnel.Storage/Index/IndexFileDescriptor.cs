using System.Buffers.Binary;
using System.Globalization;
using Runnel.Storage.Framing;

namespace Runnel.Storage.Index;

/// <summary>
/// Owns the layout of a sealed segment's index file, <c>{baseSequence:D20}.idx</c>, written once when the segment
/// is sealed so that opening a log does not rescan sealed segments.
/// </summary>
/// <remarks>
/// <code>
///  0                               8       10      12              16
///  +-------------------------------+-------+-------+---------------+
///  | magic "RNNLIDX\0"             | ver   | minver| entry count   |
///  +-------------------------------+-------+-------+---------------+
/// 16 base sequence u64 | 24 next sequence u64 | 32 data end i64 | 40 last timestamp ms i64 |
/// 48 entries: count x { sequence u64 | timestamp ms i64 | position i64 }   (24 bytes each)
/// 48 + 24 x count: crc32c u32 over every byte before it
/// </code>
/// <c>data end</c> is the byte just past the segment's last frame; <c>next sequence</c> is one past its last record.
/// Keep in sync with docs/formats/segment.md.
/// </remarks>
public static class IndexFileDescriptor
{
    /// <summary>File name suffix of index files.</summary>
    public const string Extension = ".idx";

    /// <summary>The format version written by this code.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Bytes before the entries.</summary>
    public const int HeaderLength = 48;

    /// <summary>Bytes per entry.</summary>
    public const int EntryLength = 24;

    private const ulong Magic = 0x0058_4449_4C4E_4E52; // "RNNLIDX\0" little-endian

    /// <summary>The index file name of the segment whose first record has <paramref name="baseSequence"/>.</summary>
    public static string FileName(ulong baseSequence)
        => baseSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The encoded length of an index with <paramref name="entryCount"/> entries.</summary>
    public static int Length(int entryCount) => HeaderLength + (entryCount * EntryLength) + 4;

    /// <summary>Encodes an index file.</summary>
    public static int Write(Span<byte> destination, in SealedSegmentInfo info, ReadOnlySpan<IndexEntry> entries)
    {
        int length = Length(entries.Length);
        Span<byte> file = destination[..length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(file[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(file[10..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file[12..], (uint)entries.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(file[16..], info.BaseSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(file[24..], info.NextSequence);
        BinaryPrimitives.WriteInt64LittleEndian(file[32..], info.DataEnd);
        BinaryPrimitives.WriteInt64LittleEndian(file[40..], info.LastTimestampMs);
        int offset = HeaderLength;
        foreach (IndexEntry entry in entries)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file[offset..], entry.Sequence);
            BinaryPrimitives.WriteInt64LittleEndian(file[(offset + 8)..], entry.TimestampMs);
            BinaryPrimitives.WriteInt64LittleEndian(file[(offset + 16)..], entry.Position);
            offset += EntryLength;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(file[offset..], Crc32C.Compute(file[..offset]));
        return length;
    }

    /// <summary>Decodes and checks an index file; false when it is torn, corrupt or of an unknown version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out SealedSegmentInfo info, out IndexEntry[] entries)
    {
        info = default;
        entries = [];
        if (source.Length < Length(0)
            || BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(source[10..]) > FormatVersion)
        {
            return false;
        }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
        if (count > (source.Length - Length(0)) / EntryLength || source.Length != Length((int)count))
        {
            return false;
        }
        int crcOffset = HeaderLength + ((int)count * EntryLength);
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[crcOffset..]) != Crc32C.Compute(source[..crcOffset]))
        {
            return false;
        }
        info = new SealedSegmentInfo(
            BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[40..]));
        entries = new IndexEntry[count];
        for (int i = 0, offset = HeaderLength; i < count; i++, offset += EntryLength)
        {
            entries[i] = new IndexEntry(
                BinaryPrimitives.ReadUInt64LittleEndian(source[offset..]),
                BinaryPrimitives.ReadInt64LittleEndian(source[(offset + 8)..]),
                BinaryPrimitives.ReadInt64LittleEndian(source[(offset + 16)..]));
        }
        return true;
    }
}
